package org.sipmq.sample;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.FailureContext;
import org.sipmq.proxy.MessageContext;
import org.sipmq.proxy.ReplyContext;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.Vars;

/**
 * The offload pattern: on the SIP thread each accounting event is only queued with {@code mq_add} (an O(1) in-memory
 * add that never blocks); the {@link AccDrain} timer route writes the CDRs later. Also keeps the latest state of each
 * caller in {@code caller_state}, an addmode 2 queue, so a caller's older states are replaced, not piled up. With
 * {@code modparam("sample", "accounting", "invite")} only the INVITE of a new call is queued, in {@code acc}.
 */
@Singleton
final class Accounting implements RoutingHook {
    static final String ACC = "acc";
    static final String CALLER_STATE = "caller_state";

    private final MQueues mq;
    private final boolean cdr;

    @Inject
    Accounting(MQueues mq, SampleSettings settings) {
        this.mq = mq;
        this.cdr = settings.accounting() == SampleSettings.AccountingMode.CDR;
    }

    /**
     * The event time goes through {@code $var(now)} so that every format stays a constant string, compiled once: a
     * format built by concatenating the time would be a new string, compiled again, on every call.
     */
    private static void setNow() {
        Vars.set("now", Long.toString(System.currentTimeMillis()));
    }

    /** An INVITE that starts a call: a re-INVITE (in the dialog) and its answers leave the CDR alone. */
    static boolean isInitialInvite(MessageContext ctx) {
        return ctx.request().getMethod().equals(Request.INVITE) && !ctx.inDialog();
    }

    @Override
    public void onRequest(RequestContext ctx) {
        String method = ctx.request().getMethod();
        if (isInitialInvite(ctx)) {
            setNow();
            mq.mq_add(ACC, "$ci", "INVITE|$fu|$tu|$var(now)");
            if (cdr) {
                mq.mq_add(CALLER_STATE, "$fU", "calling $tu at $var(now)");
            }
        } else if (cdr && method.equals(Request.BYE)) {
            setNow();
            mq.mq_add(ACC, "$ci", "BYE|$var(now)");
            mq.mq_add(CALLER_STATE, "$fU", "hung up at $var(now)");
        }
    }

    /** Only the answer of a new call: a re-INVITE's 2xx inside the call is not a second answer. */
    @Override
    public void onReply(ReplyContext ctx) {
        Response r = ctx.response();
        if (cdr && isInitialInvite(ctx) && r.getStatusCode() / 100 == 2) {
            setNow();
            mq.mq_add(ACC, "$ci", "REPLY|$rs|$var(now)");
        }
    }

    /**
     * Runs only when no earlier hook (the fallback) forwarded the call elsewhere: this is the final answer. A re-INVITE
     * rejected inside an answered call (491, 488) changes nothing in its CDR: the call goes on.
     */
    @Override
    public void onFailure(FailureContext ctx) {
        if (cdr && isInitialInvite(ctx)) {
            setNow();
            mq.mq_add(ACC, "$ci", "REPLY|$rs|$var(now)");
        }
    }
}
