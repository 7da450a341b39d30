package org.sipmq.proxy.internal;

import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client transaction (RFC 3261 17.1): sends a request downstream, retransmits it over UDP (Timers A, E), gives up
 * after 64*T1 without a final response (Timers B, F), acknowledges a non-2xx final of an INVITE hop by hop and absorbs
 * its retransmissions (Timer D), and lingers after a non-INVITE final (Timer K). A 2xx ends an INVITE transaction at
 * once: its retransmissions find no transaction and go upstream statelessly, as RFC 3261 16.7 wants.
 */
final class ClientTx {
    private static final Logger log = LoggerFactory.getLogger(ClientTx.class);

    enum State {
        CALLING, PROCEEDING, COMPLETED, TERMINATED
    }

    final String key;
    final boolean invite;
    final Link link;
    private SIPRequest request;
    /** The proxy's branch this transaction carries until its final response; null for a CANCEL. */
    private ProxyTransaction.Branch branch;
    private final Transactions txs;
    private State state = State.CALLING;
    private byte[] bytes;
    private long retransmitInterval;
    private SIPRequest ack;
    private byte[] ackBytes;
    private Timeout timeout;
    private boolean cancelled;

    ClientTx(Transactions txs, SIPRequest request, Link link, ProxyTransaction.Branch branch) {
        this.txs = txs;
        this.key = Transactions.clientKey(request);
        this.invite = request.getMethod().equals(javax.sip.message.Request.INVITE);
        this.link = link;
        this.request = request;
        this.branch = branch;
    }

    /** Enters the table and sends the request. */
    synchronized void start() throws IOException {
        txs.add(this);
        try {
            bytes = link.send(request);
        } catch (IOException | RuntimeException e) {
            end();
            throw e;
        }
        if (!link.reliable()) {
            retransmitInterval = txs.t1;
            txs.timers.schedule(retransmitInterval, new Retransmit());
        }
        timeout = new Timeout(this);
        txs.timers.schedule(txs.timeout(), timeout);
    }

    synchronized State state() {
        return state;
    }

    /** Whether the proxy's branch or the parsed request is still referenced (tests: neither outlives the final). */
    synchronized boolean holdsCallState() {
        return branch != null || request != null;
    }

    /**
     * A response for this transaction: returns the proxy's branch it goes on to, or null (a retransmission, absorbed;
     * or the answer to a CANCEL).
     */
    synchronized ProxyTransaction.Branch onResponse(SIPResponse response) {
        int code = response.getStatusCode();
        if (state == State.COMPLETED || state == State.TERMINATED) {
            if (state == State.COMPLETED && invite && code >= 300) {
                resendAck();
            }
            return null;
        }
        ProxyTransaction.Branch to = branch;
        if (code < 200) {
            state = State.PROCEEDING; // an INVITE stops retransmitting; a non-INVITE goes on at T2
            return to;
        }
        timeout.tx = null;
        if (invite && code < 300) {
            end();
            return to;
        }
        state = State.COMPLETED;
        if (invite) {
            try {
                ack = request.createErrorAck((To) response.getTo());
                ackBytes = link.send(ack);
            } catch (IOException | java.text.ParseException | javax.sip.SipException e) {
                log.debug("cannot send the ACK of {} for {}: {}", code, key, e.toString());
            }
        }
        // Lingering, it keeps only what absorbing retransmissions needs: not the proxy's state, not parsed messages.
        branch = null;
        request = null;
        bytes = null;
        if (ackBytes != null) {
            ack = null;
        }
        long linger = link.reliable() ? 0 : invite ? Transactions.TIMER_D_MILLIS : txs.t4;
        if (linger == 0) {
            end();
        } else {
            txs.timers.schedule(linger, new Linger());
        }
        return to;
    }

    /**
     * A CANCEL went for this INVITE. In Proceeding it has no Timer B, so a callee that never answers the CANCEL would
     * keep the transaction, and through its branch the call, in the table for good: as RFC 3261 9.1 says, 64*T1 on
     * without a final response it times out as in Calling.
     */
    synchronized void cancelSent() {
        if (!invite || state != State.PROCEEDING || cancelled) {
            return;
        }
        cancelled = true;
        timeout.tx = null; // Timer B, moot since the provisional, must not fire early now
        timeout = new Timeout(this);
        txs.timers.schedule(txs.timeout(), timeout);
    }

    private void resendAck() {
        if (ack == null && ackBytes == null) {
            return;
        }
        try {
            if (ackBytes != null) {
                link.resend(ack, ackBytes);
            } else if ((ackBytes = link.send(ack)) != null) {
                ack = null; // its first send failed; sent now, its encoding is all a resend needs
            }
        } catch (IOException e) {
            log.debug("cannot resend the ACK for {}: {}", key, e.toString());
        }
    }

    private boolean retransmitting() {
        return state == State.CALLING || (!invite && state == State.PROCEEDING);
    }

    private void end() {
        state = State.TERMINATED;
        // a 2xx ends the transaction at once, while its queued retransmission timer may still hold it for seconds
        branch = null;
        request = null;
        bytes = null;
        txs.remove(this);
    }

    /** Timer B or F fired: returns the branch that timed out, or null, and ends the transaction. */
    private synchronized ProxyTransaction.Branch expire() {
        if (!timesOut()) {
            return null;
        }
        ProxyTransaction.Branch b = branch;
        branch = null;
        request = null;
        bytes = null;
        end();
        return b;
    }

    /** Timers A and E: the request again, the interval doubling (for a non-INVITE up to T2). */
    private final class Retransmit implements SipTimers.Task {
        @Override
        public boolean due() {
            synchronized (ClientTx.this) {
                return retransmitting();
            }
        }

        @Override
        public void fire() {
            synchronized (ClientTx.this) {
                if (!retransmitting()) {
                    return;
                }
                try {
                    link.resend(request, bytes);
                    txs.retransmissions.add(invite);
                } catch (IOException e) {
                    log.debug("cannot retransmit {}: {}", key, e.toString());
                }
                retransmitInterval = invite
                        ? 2 * retransmitInterval
                        : state == State.PROCEEDING
                                ? Transactions.T2_MILLIS
                                : Math.min(2 * retransmitInterval,
                                        Transactions.T2_MILLIS);
                txs.timers.schedule(retransmitInterval, this);
            }
        }
    }

    /**
     * Timers B and F. Holds its transaction only until the final response (the queue keeps the entry 64*T1), so that
     * an answered request is not kept alive by its expired timeout.
     */
    private static final class Timeout implements SipTimers.Task {
        volatile ClientTx tx;

        Timeout(ClientTx tx) {
            this.tx = tx;
        }

        @Override
        public boolean due() {
            ClientTx t = tx;
            return t != null && t.timesOut();
        }

        @Override
        public void fire() {
            ClientTx t = tx;
            ProxyTransaction.Branch b = t == null ? null : t.expire();
            if (b != null) {
                t.txs.timedOut(b);
            }
        }
    }

    /** An INVITE in Proceeding waits for Timer C instead (RFC 3261 17.1.1.2), then for the answer to its CANCEL. */
    private synchronized boolean timesOut() {
        return state == State.CALLING || ((!invite || cancelled) && state == State.PROCEEDING);
    }

    /** Timers D and K: ends the transaction after it absorbed late retransmissions of its final response. */
    private final class Linger implements SipTimers.Task {
        @Override
        public boolean due() {
            return true;
        }

        @Override
        public void fire() {
            synchronized (ClientTx.this) {
                if (state == State.COMPLETED) {
                    end();
                }
            }
        }
    }
}
