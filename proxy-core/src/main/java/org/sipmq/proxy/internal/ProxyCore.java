package org.sipmq.proxy.internal;

import java.util.List;
import javax.sip.address.Router;
import javax.sip.message.Response;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.pv.PvEngine;

/** What a {@link ProxyTransaction} needs from the running proxy. */
interface ProxyCore {
    SipSupport sip();

    PvEngine pvs();

    List<RoutingHook> hooks();

    Router router();

    boolean recordRoute();

    /** The proxy's transaction layer, where branches start their client transactions. */
    Transactions transactions();

    ProxyMetrics metrics();

    /** Sends a response upstream without a transaction (a 2xx retransmission or another branch's 2xx). */
    void forwardResponseStatelessly(Response response);

    /**
     * Starts an INVITE branch's Timer C ({@code sip.timer_c}): on expiry, {@code onExpiry} runs on the call's stripe.
     * Returns the timer to cancel.
     */
    TimerCs.Handle startTimerC(String callId, Runnable onExpiry);

    /**
     * A message could not be sent ({@code what}: "INVITE downstream", "486 upstream", ...): logged at most once a second
     * with the count of the others, since a peer that sends junk (a 60 KB Call-ID, a closed connection) makes every
     * answer to it fail.
     */
    void sendFailed(String what, String callId, Exception e);

    /** The request got its final response upstream, was dropped, or its server transaction ended. */
    void finished(ProxyTransaction transaction);
}
