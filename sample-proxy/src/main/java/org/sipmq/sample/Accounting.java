package org.sipmq.sample;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.sipmq.proxy.pv.PvEngine;
import org.sipmq.proxy.pv.Vars;

/**
 * The offload pattern: on the SIP thread each accounting event is only queued with {@code mq_add} (an O(1) in-memory
 * add that never blocks); the {@link AccDrain} timer route writes the CDRs later. Also keeps the latest state of each
 * caller in {@code caller_state}, an addmode 2 queue, so a caller's older states are replaced, not piled up. With
 * {@code modparam("sample", "accounting", "invite")} only the INVITE of a new call is queued, in {@code acc}.
 *
 * <p>
 * What it takes from a message is bounded: From and To URIs are cut to {@link #MAX_URI} characters; a Call-ID is never
 * cut (it is the call's identity), so one longer than the {@code acc} table's key column is refused by {@code mq_add}
 * (-3) and counted, and the call is not accounted.
 */
@Singleton
final class Accounting implements RoutingHook {
    static final String ACC = "acc";
    static final String CALLER_STATE = "caller_state";
    /**
     * The most characters taken from a message's From or To URI (the size of the {@code cdr} table's columns); a longer
     * URI is cut there. A caller whose user part is longer is not tracked in {@code caller_state}.
     */
    static final int MAX_URI = 255;

    private final MQueues mq;
    private final PvEngine pv;
    private final boolean cdr;
    private final Counter refused;
    private final Counter cut;

    @Inject
    Accounting(MQueues mq, SampleSettings settings, PvEngine pv, MeterRegistry registry) {
        this.mq = mq;
        this.pv = pv;
        this.cdr = settings.accounting() == SampleSettings.AccountingMode.CDR;
        this.refused = Counter.builder("sipmq.sample.acc.refused")
                .description("Accounting events not queued: mq_add refused them (a Call-ID longer than the acc"
                        + " table's key column) or the caller's user part was too long for caller_state")
                .register(registry);
        this.cut = Counter.builder("sipmq.sample.acc.uris.cut")
                .description("From or To URIs cut to " + MAX_URI + " characters before they were queued")
                .register(registry);
    }

    /**
     * {@code $var(fu)} and {@code $var(tu)}: the message's {@code $fu} and {@code $tu}, at most {@link #MAX_URI}
     * characters each, so that a peer's 8 KB To URI costs neither the CDR nor the queue's table.
     */
    private void setBoundedUris() {
        Vars.set("fu", bounded(pv.format("$fu")));
        Vars.set("tu", bounded(pv.format("$tu")));
    }

    private String bounded(String uri) {
        if (uri.length() <= MAX_URI) {
            return uri;
        }
        cut.increment();
        return uri.substring(0, MAX_URI);
    }

    /** mq_add, counting a refusal (negative, as in Kamailio): the event is dropped, the call goes on. */
    private void add(String queue, String key, String value) {
        if (mq.mq_add(queue, key, value) < 0) {
            refused.increment();
        }
    }

    /** caller_state is keyed by the caller's user part: a longer one than its table's key column is not tracked. */
    private void addCallerState(String value) {
        if (pv.format("$fU").length() > MAX_URI) {
            refused.increment();
            return;
        }
        add(CALLER_STATE, "$fU", value);
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
            if (!cdr) {
                // The work of a minimal Kamailio script, for the side-by-side benchmark: nothing else.
                mq.mq_add(ACC, "$ci", "INVITE|$fu|$tu|$var(now)");
                return;
            }
            setBoundedUris();
            add(ACC, "$ci", "INVITE|$var(fu)|$var(tu)|$var(now)");
            addCallerState("calling $var(tu) at $var(now)");
        } else if (cdr && method.equals(Request.BYE)) {
            setNow();
            add(ACC, "$ci", "BYE|$var(now)");
            addCallerState("hung up at $var(now)");
        }
    }

    /** Only the answer of a new call: a re-INVITE's 2xx inside the call is not a second answer. */
    @Override
    public void onReply(ReplyContext ctx) {
        Response r = ctx.response();
        if (cdr && isInitialInvite(ctx) && r.getStatusCode() / 100 == 2) {
            setNow();
            add(ACC, "$ci", "REPLY|$rs|$var(now)");
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
            add(ACC, "$ci", "REPLY|$rs|$var(now)");
        }
    }
}
