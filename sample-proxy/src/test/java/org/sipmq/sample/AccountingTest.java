package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueueConfig;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.FailureContext;
import org.sipmq.proxy.ReplyContext;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.pv.PvEngine;
import org.sipmq.proxy.pv.PvProvider;
import org.sipmq.proxy.pv.Vars;
import org.sipmq.sample.SampleSettings.AccountingMode;

/**
 * What the accounting hook queues for each message of a call, in both modes: real queues, the SIP pseudo-variables
 * of one fixed call, and the messages as Mockito mocks (only their method, status and dialog state are read).
 */
class AccountingTest {
    private static final Map<String, PvProvider> CALL = Map.of("ci", a -> "call-1", "fu", a -> "sip:alice@x", "tu",
            a -> "sip:bob@y", "fU", a -> "alice", "rs", a -> "200");

    private final Map<String, PvProvider> pvs = new HashMap<>(CALL);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MQueues mq = MQueueModule.queues(MQueueConfig.of(new MQueueDefinition(Accounting.ACC, 0, 0, 0),
            new MQueueDefinition(Accounting.CALLER_STATE, 10_000, 2, 0)), pvs);

    @AfterEach
    void clear() {
        Vars.clear();
    }

    private Accounting hook(AccountingMode mode) {
        return new Accounting(mq, new SampleSettings(Map.of(), Optional.empty(), SampleSettings.DEFAULT_CDR_DB_URL,
                100, 0, mode), new PvEngine(pvs), registry);
    }

    private static Request request(String method) {
        Request r = mock(Request.class);
        when(r.getMethod()).thenReturn(method);
        return r;
    }

    private static RequestContext requestCtx(String method, boolean inDialog) {
        RequestContext ctx = mock(RequestContext.class);
        Request r = request(method);
        when(ctx.request()).thenReturn(r);
        when(ctx.inDialog()).thenReturn(inDialog);
        return ctx;
    }

    private static Response status(int code) {
        Response r = mock(Response.class);
        when(r.getStatusCode()).thenReturn(code);
        return r;
    }

    private static ReplyContext replyCtx(int code) {
        ReplyContext ctx = mock(ReplyContext.class);
        Request r = request(Request.INVITE);
        Response resp = status(code);
        when(ctx.request()).thenReturn(r);
        when(ctx.response()).thenReturn(resp);
        return ctx;
    }

    private static FailureContext failureCtx(int code) {
        FailureContext ctx = mock(FailureContext.class);
        Request r = request(Request.INVITE);
        Response resp = status(code);
        when(ctx.request()).thenReturn(r);
        when(ctx.response()).thenReturn(resp);
        return ctx;
    }

    /** A whole answered call: the new INVITE, its 200, a re-INVITE inside the call, the BYE. */
    private void answeredCall(Accounting hook) {
        hook.onRequest(requestCtx(Request.INVITE, false));
        hook.onReply(replyCtx(200));
        hook.onRequest(requestCtx(Request.INVITE, true));
        hook.onRequest(requestCtx(Request.BYE, true));
    }

    private List<String> kinds(String queue) {
        return mq.queue(queue).drainAll().stream().map(MQueueItem::value).map(v -> v.split("[| ]")[0]).toList();
    }

    @Test
    void cdrModeQueuesEveryEventOfACallAndTheCallersState() {
        answeredCall(hook(AccountingMode.CDR));

        assertThat(kinds(Accounting.ACC)).containsExactly("INVITE", "REPLY", "BYE");
        assertThat(mq.mq_size(Accounting.CALLER_STATE)).as("addmode 2: the caller's latest state").isEqualTo(1);
    }

    @Test
    void inviteModeQueuesOnlyTheNewInviteKeyedByCallId() {
        answeredCall(hook(AccountingMode.INVITE));

        List<MQueueItem> items = mq.queue(Accounting.ACC).drainAll();
        assertThat(items).singleElement().satisfies(i -> {
            assertThat(i.key()).isEqualTo("call-1");
            assertThat(i.value()).startsWith("INVITE|sip:alice@x|sip:bob@y|");
        });
        assertThat(mq.mq_size(Accounting.CALLER_STATE)).isZero();
    }

    @Test
    void inviteModeQueuesNothingForAFailedCall() {
        Accounting hook = hook(AccountingMode.INVITE);
        hook.onRequest(requestCtx(Request.INVITE, false));
        mq.queue(Accounting.ACC).drainAll();

        hook.onFailure(failureCtx(486));

        assertThat(mq.mq_size(Accounting.ACC)).isZero();
    }

    @Test
    void longFromAndToUrisAreCutToTheCdrColumnsBeforeTheyAreQueued() {
        pvs.put("tu", a -> "sip:" + "b".repeat(8000) + "@y");
        pvs.put("fu", a -> "sip:" + "a".repeat(300) + "@x");
        hook(AccountingMode.CDR).onRequest(requestCtx(Request.INVITE, false));

        String value = mq.queue(Accounting.ACC).drainAll().get(0).value();
        CallEvent e = CallEvent.parse("call-1", value);
        assertThat(e.from()).hasSize(Accounting.MAX_URI).startsWith("sip:aaa");
        assertThat(e.to()).hasSize(Accounting.MAX_URI).startsWith("sip:bbb");
        assertThat(registry.get("sipmq.sample.acc.uris.cut").counter().count()).isEqualTo(2);
    }

    @Test
    void anEventTheQueueRefusesIsCountedAndTheCallGoesOn() {
        pvs.put("ci", a -> "c".repeat(61_000));
        pvs.put("fU", a -> "u".repeat(300));
        MQueues limited = MQueueModule.queues(MQueueConfig.of(List.of(new MQueueDefinition(Accounting.ACC, 0, 0, 1),
                new MQueueDefinition(Accounting.CALLER_STATE, 10_000, 2, 0)), Optional.of("jdbc:h2:mem:unused")), pvs);
        org.sipmq.mqueue.internal.QueueLimits.limit(limited.queue(Accounting.ACC), 255, 4096); // as the acc table
        Accounting hook = new Accounting(limited, new SampleSettings(Map.of(), Optional.empty(),
                SampleSettings.DEFAULT_CDR_DB_URL, 100, 0, AccountingMode.CDR), new PvEngine(pvs), registry);

        hook.onRequest(requestCtx(Request.INVITE, false));
        hook.onFailure(failureCtx(486));

        assertThat(limited.mq_size(Accounting.ACC)).isZero();
        assertThat(limited.queue(Accounting.ACC).stats().refused()).as("the INVITE and the 486").isEqualTo(2);
        assertThat(limited.mq_size(Accounting.CALLER_STATE)).as("a user part longer than 255").isZero();
        assertThat(registry.get("sipmq.sample.acc.refused").counter().count()).isEqualTo(3);
    }
}
