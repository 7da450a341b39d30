package org.sipmq.proxy.internal;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server transaction (RFC 3261 17.2, RFC 6026 for an INVITE's 2xx): absorbs the retransmissions of its request by
 * sending the latest response again, retransmits a non-2xx final response of an INVITE over UDP until the ACK comes
 * (Timer G, Timer H), and lingers after its final response (Timers I, J, L) so that late retransmissions still find
 * it. Its state is touched by the reading thread (retransmissions, ACKs), the call's worker (responses) and the timer
 * thread, so every transition holds its lock; none of them blocks for long (a send is one datagram or one TCP
 * write).
 */
final class ServerTx {
    private static final Logger log = LoggerFactory.getLogger(ServerTx.class);

    enum State {
        TRYING, PROCEEDING, COMPLETED, CONFIRMED, ACCEPTED, TERMINATED
    }

    final String key;
    final boolean invite;
    final Link link;
    private final Transactions txs;
    private volatile ProxyTransaction proxy;
    private State state = State.TRYING;
    private SIPResponse last;
    private byte[] lastBytes;
    private long retransmitInterval;
    private final long created;

    ServerTx(Transactions txs, String key, SIPRequest request, Link link) {
        this.txs = txs;
        this.key = key;
        this.created = txs.timers.now();
        this.invite = request.getMethod().equals(javax.sip.message.Request.INVITE);
        this.link = link;
    }

    /** The proxy's state of the request until its final response went upstream; null after. */
    ProxyTransaction proxy() {
        return proxy;
    }

    void attach(ProxyTransaction pt) {
        this.proxy = pt;
    }

    synchronized State state() {
        return state;
    }

    /** Sends a response upstream; a second final response is not sent (RFC 3261 17.2.1: one final per transaction). */
    synchronized void respond(SIPResponse response) throws IOException {
        if (state != State.TRYING && state != State.PROCEEDING) {
            log.debug("{} {} not sent: the transaction is {}", response.getStatusCode(), key, state);
            return;
        }
        int code = response.getStatusCode();
        byte[] bytes = link.send(response);
        if (code < 200) {
            state = State.PROCEEDING;
            last = response;
            lastBytes = bytes;
            return;
        }
        // Answered: nothing reads the proxy's state through the transaction any more, and it lingers up to 64*T1.
        proxy = null;
        if (invite && code < 300) {
            state = State.ACCEPTED; // RFC 6026: absorb the INVITE's retransmissions, let 2xx retransmissions pass
            last = null;
            lastBytes = null;
            lingerThenEnd(link.reliable() ? 0 : txs.timeout());
            return;
        }
        state = State.COMPLETED;
        // over UDP the encoding is all a retransmission needs: the parsed response (kilobytes of objects) would
        // otherwise stay reachable for the whole linger, 32 s of every young collection copying it
        last = bytes == null ? response : null;
        lastBytes = bytes;
        if (!invite) {
            lingerThenEnd(link.reliable() ? 0 : txs.timeout()); // Timer J
            return;
        }
        if (!link.reliable()) {
            retransmitInterval = txs.t1;
            txs.timers.schedule(retransmitInterval, new TimerG());
        }
        txs.timers.schedule(txs.timeout(), new Timer(State.COMPLETED)); // Timer H: the ACK never came
    }

    /** The request came again: the latest response goes again, if there is one to repeat. */
    synchronized void retransmission() {
        if ((state == State.PROCEEDING || state == State.COMPLETED) && (last != null || lastBytes != null)) {
            resend();
        }
    }

    /**
     * An ACK with this INVITE's branch: the ACK of its non-2xx final, absorbed here (true). In the Accepted state it is
     * an end-to-end ACK of a 2xx that reused the branch, which the caller forwards (false).
     */
    synchronized boolean ack() {
        if (state == State.ACCEPTED || state == State.TERMINATED) {
            return false;
        }
        if (state == State.COMPLETED) {
            state = State.CONFIRMED;
            last = null;
            lastBytes = null;
            lingerThenEnd(link.reliable() ? 0 : txs.t4); // Timer I
        }
        return true;
    }

    /**
     * Ends the transaction if it is still unanswered {@code lifetimeNanos} after it began ({@code sip.max_tx_lifetime_*},
     * a safety net: every branch ends by its own timers); returns the proxy's state it held, or null.
     */
    synchronized ProxyTransaction expireIfOlder(long now, long inviteLifetimeNanos, long otherLifetimeNanos) {
        boolean unanswered = state == State.TRYING || state == State.PROCEEDING;
        if (!unanswered || now - created < (invite ? inviteLifetimeNanos : otherLifetimeNanos)) {
            return null;
        }
        ProxyTransaction pt = proxy;
        terminate();
        return pt;
    }

    /** Ends the transaction now (a request a hook dropped). */
    synchronized void terminate() {
        proxy = null;
        end();
    }

    private void resend() {
        try {
            link.resend(last, lastBytes);
        } catch (IOException e) {
            log.debug("cannot resend the response for {}: {}", key, e.toString());
        }
    }

    private void lingerThenEnd(long millis) {
        if (millis <= 0) {
            end();
        } else {
            txs.timers.schedule(millis, new Timer(state));
        }
    }

    private void end() {
        state = State.TERMINATED;
        last = null;
        lastBytes = null;
        txs.remove(this);
    }

    /** Ends the transaction if it is still in the state it had when the timer started. */
    private final class Timer implements SipTimers.Task {
        private final State in;

        Timer(State in) {
            this.in = in;
        }

        @Override
        public boolean due() {
            return state() == in;
        }

        @Override
        public void fire() {
            synchronized (ServerTx.this) {
                if (state == in) {
                    end();
                }
            }
        }
    }

    /** Timer G: the non-2xx final of an INVITE again, at T1, 2*T1... up to T2, until the ACK. */
    private final class TimerG implements SipTimers.Task {
        @Override
        public boolean due() {
            return state() == State.COMPLETED;
        }

        @Override
        public void fire() {
            synchronized (ServerTx.this) {
                if (state == State.COMPLETED) {
                    resend();
                    retransmitInterval = Math.min(2 * retransmitInterval, Transactions.T2_MILLIS);
                    txs.timers.schedule(retransmitInterval, this);
                }
            }
        }
    }
}
