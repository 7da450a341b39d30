package org.sipmq.proxy.internal;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.sip.message.Request;

/**
 * The proxy's own transaction layer (RFC 3261 17, with RFC 6026's Accepted state), over JAIN-SIP's parser and
 * messages: the tables of server and client transactions, how messages find theirs, and the timers' durations. A
 * server transaction is keyed by the top Via's branch and sent-by and the method (an ACK finds its INVITE's); a client
 * transaction by the branch the proxy chose and the CSeq method (a CANCEL shares its INVITE's branch).
 */
final class Transactions {
    /** RFC 3261's T2, the cap of non-INVITE retransmission intervals. */
    static final long T2_MILLIS = 4_000;
    /** Timer D over UDP: how long a client INVITE transaction absorbs retransmissions of a non-2xx final. */
    static final long TIMER_D_MILLIS = 32_000;

    final long t1;
    final long t4;
    final SipTimers timers;
    private final Consumer<ProxyTransaction.Branch> onTimeout;
    private final ConcurrentHashMap<String, ServerTx> servers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ClientTx> clients = new ConcurrentHashMap<>();
    final Retransmissions retransmissions = new Retransmissions();

    /** Requests the client transactions sent again (Timers A and E), INVITEs and the others. */
    static final class Retransmissions {
        private final java.util.concurrent.atomic.LongAdder invites = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder others = new java.util.concurrent.atomic.LongAdder();

        void add(boolean invite) {
            (invite ? invites : others).increment();
        }

        long count(boolean invite) {
            return (invite ? invites : others).sum();
        }
    }

    /** {@code onTimeout} runs on the timer thread when a branch's client transaction got no final response in 64*T1. */
    Transactions(long t1Millis, long t4Millis, SipTimers timers, Consumer<ProxyTransaction.Branch> onTimeout) {
        this.t1 = t1Millis;
        this.t4 = t4Millis;
        this.timers = timers;
        this.onTimeout = onTimeout;
    }

    /** 64*T1: Timers B, F, H and J over UDP, and RFC 6026's Timer L. */
    long timeout() {
        return 64 * t1;
    }

    /**
     * The key of the server transaction a request belongs to; {@code method} INVITE for an ACK or to find the INVITE
     * a CANCEL cancels. A request without an RFC 3261 branch is keyed by what RFC 2543 matched on.
     */
    static String serverKey(SIPRequest request, String method) {
        Via via = request.getTopmostVia();
        String branch = via.getBranch();
        String sentBy = via.getHost() + ":" + via.getPort();
        if (branch != null && branch.startsWith("z9hG4bK")) {
            return branch + '\u0001' + sentBy + '\u0001' + method;
        }
        return "2543\u0001" + request.getCallId().getCallId() + '\u0001' + request.getFromTag() + '\u0001' + request
                .getCSeq().getSeqNumber() + '\u0001' + sentBy + '\u0001' + method;
    }

    static String serverKey(SIPRequest request) {
        String method = request.getMethod();
        return serverKey(request, Request.ACK.equals(method) ? Request.INVITE : method);
    }

    /** The key of the client transaction a response (or the request that made it) belongs to. */
    static String clientKey(SIPMessage message) {
        return message.getTopmostVia().getBranch() + '\u0001' + message.getCSeq().getMethod();
    }

    ServerTx server(String key) {
        return servers.get(key);
    }

    /** Adds a new server transaction; returns the one already there (a retransmission raced it) or null. */
    ServerTx add(ServerTx tx) {
        return servers.putIfAbsent(tx.key, tx);
    }

    ClientTx client(String key) {
        return clients.get(key);
    }

    void add(ClientTx tx) {
        clients.put(tx.key, tx);
    }

    void remove(ServerTx tx) {
        servers.remove(tx.key, tx);
    }

    void remove(ClientTx tx) {
        clients.remove(tx.key, tx);
    }

    void timedOut(ProxyTransaction.Branch branch) {
        onTimeout.accept(branch);
    }

    /**
     * Ends the server transactions still unanswered after their lifetime and returns the proxy's states they held
     * (each to be finished on its call's worker). A scan of the table, run every few seconds: cheaper than a timer
     * per transaction for a net that should never catch anything.
     */
    java.util.List<ProxyTransaction> expireUnanswered(long inviteLifetimeNanos, long otherLifetimeNanos) {
        long now = timers.now();
        java.util.List<ProxyTransaction> expired = new java.util.ArrayList<>();
        for (ServerTx tx : servers.values()) {
            ProxyTransaction pt = tx.expireIfOlder(now, inviteLifetimeNanos, otherLifetimeNanos);
            if (pt != null) {
                expired.add(pt);
            }
        }
        return expired;
    }

    /** Server and client transactions held, lingering ones included. */
    int size() {
        return servers.size() + clients.size();
    }
}
