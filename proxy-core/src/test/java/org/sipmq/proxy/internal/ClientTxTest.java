package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientTxTest {
    private static final long T1 = 500, T4 = 5_000, TIMEOUT = 64 * T1, TICK = SipTimers.TICK_MILLIS;

    private final FakeClock clock = new FakeClock();
    private final SipTimers timers = new SipTimers("test-sip-timers", clock);
    private final List<ProxyTransaction.Branch> timedOut = new ArrayList<>();
    private final Transactions txs = new Transactions(T1, T4, timers, timedOut::add);
    private final FakeLink udp = FakeLink.udp(clock::millis);
    private final FakeLink tcp = FakeLink.tcp(clock::millis);

    @AfterEach
    void stop() {
        timers.stop();
    }

    private SIPRequest request;
    private ProxyTransaction.Branch branch;

    /** Starts a client transaction of {@code method} on {@code link}, as a branch of the proxy does. */
    private ClientTx start(String method, Link link) throws IOException {
        request = SipText.request(method, "z9hG4bK-down-" + method, "192.0.2.10:5060", 7);
        branch = new ProxyTransaction.Branch(null, null, request);
        ClientTx tx = new ClientTx(txs, request, link, branch);
        tx.start();
        return tx;
    }

    private SIPResponse response(int code) {
        return SipText.response(request, code, code == 100 ? null : "b2");
    }

    /** What the proxy's reading thread does with a response: finds its transaction, or forwards it statelessly. */
    private ProxyTransaction.Branch receive(SIPResponse response) {
        ClientTx tx = txs.client(Transactions.clientKey(response));
        return tx == null ? null : tx.onResponse(response);
    }

    private boolean held(ClientTx tx) {
        return txs.client(tx.key) == tx;
    }

    @Test
    void startEntersTheTableAndSendsTheRequest() throws Exception {
        ClientTx tx = start("INVITE", udp);
        assertThat(held(tx)).isTrue();
        assertThat(udp.what()).containsExactly("send INVITE");
        assertThat(tx.state()).isEqualTo(ClientTx.State.CALLING);
    }

    @Test
    void aRequestThatCannotBeSentLeavesNoTransaction() {
        udp.failure = new IOException("expected by the test");
        assertThatThrownBy(() -> start("INVITE", udp)).isSameAs(udp.failure);
        assertThat(txs.size()).isZero();
        udp.failure = null;
        clock.run(timers, TIMEOUT);
        assertThat(udp.sent).isEmpty();
        assertThat(timedOut).isEmpty();
    }

    @Test
    void anInviteIsRetransmittedAtT1DoublingOverUdpUntilAProvisional() throws Exception {
        start("INVITE", udp);
        clock.runTo(timers, 4_000);
        assertThat(receive(response(100))).isSameAs(branch);
        clock.runTo(timers, TIMEOUT + 1_000);
        assertThat(udp.log()).containsExactly("send INVITE@0", "resend INVITE@500", "resend INVITE@1500",
                "resend INVITE@3500");
        assertThat(udp.sent).allSatisfy(s -> assertThat(s.message().encode()).isEqualTo(request.encode()));
    }

    @Test
    void anInviteIsRetransmittedUntilTimerBWithoutAResponse() throws Exception {
        start("INVITE", udp);
        clock.runTo(timers, TIMEOUT + 10_000);
        assertThat(udp.log()).containsExactly("send INVITE@0", "resend INVITE@500", "resend INVITE@1500",
                "resend INVITE@3500", "resend INVITE@7500", "resend INVITE@15500", "resend INVITE@31500");
    }

    @Test
    void anInviteIsNeverRetransmittedOverTcp() throws Exception {
        start("INVITE", tcp);
        clock.run(timers, TIMEOUT + 1_000);
        assertThat(tcp.what()).containsExactly("send INVITE");
    }

    @Test
    void timerBDeliversTheBranchTimeoutAfter64T1WithoutAResponse() throws Exception {
        ClientTx tx = start("INVITE", udp);
        clock.run(timers, TIMEOUT - TICK);
        assertThat(timedOut).isEmpty();
        assertThat(held(tx)).isTrue();
        clock.run(timers, TICK);
        assertThat(timedOut).containsExactly(branch);
        assertThat(held(tx)).isFalse();
        assertThat(tx.state()).isEqualTo(ClientTx.State.TERMINATED);
        assertThat(receive(response(486))).as("a final after Timer B finds nothing").isNull();
        clock.run(timers, TIMEOUT);
        assertThat(timedOut).hasSize(1);
        assertThat(timers.queued()).isZero();
    }

    @Test
    void timerBFiresOverTcpToo() throws Exception {
        start("INVITE", tcp);
        clock.run(timers, TIMEOUT);
        assertThat(timedOut).containsExactly(branch);
    }

    @Test
    void timerBDoesNotFireAfterAProvisional() throws Exception {
        ClientTx tx = start("INVITE", udp);
        clock.run(timers, 100);
        receive(response(180));
        clock.run(timers, TIMEOUT);
        assertThat(timedOut).as("an INVITE in Proceeding waits for Timer C").isEmpty();
        assertThat(held(tx)).isTrue();
        assertThat(tx.state()).isEqualTo(ClientTx.State.PROCEEDING);
    }

    @Test
    void anInviteInProceedingWhoseCancelIsNeverAnsweredTimesOut64T1AfterTheCancel() throws Exception {
        // RFC 3261 9.1: without it a callee gone after its 180 would keep the transaction (and the call) for good
        ClientTx tx = start("INVITE", udp);
        clock.run(timers, 100);
        receive(response(180));
        clock.runTo(timers, 180_000);
        assertThat(held(tx)).as("Timer B does not run in Proceeding").isTrue();
        tx.cancelSent();
        clock.run(timers, TIMEOUT - TICK);
        assertThat(held(tx)).isTrue();
        assertThat(timedOut).isEmpty();
        clock.run(timers, TICK);
        assertThat(held(tx)).isFalse();
        assertThat(tx.state()).isEqualTo(ClientTx.State.TERMINATED);
        assertThat(timedOut).containsExactly(branch);
        assertThat(receive(response(487))).as("a 487 after that finds nothing").isNull();
        assertThat(udp.what()).containsExactly("send INVITE");
        assertThat(timers.queued()).isZero();
    }

    @Test
    void theTimeoutOfACancelledInviteRunsFromTheCancel() throws Exception {
        ClientTx tx = start("INVITE", udp);
        clock.run(timers, 100);
        receive(response(180));
        clock.runTo(timers, 5_000);
        tx.cancelSent();
        tx.cancelSent();
        clock.runTo(timers, 5_000 + TIMEOUT - TICK);
        assertThat(timedOut).as("not at the INVITE's Timer B").isEmpty();
        clock.run(timers, TICK);
        assertThat(timedOut).containsExactly(branch);
        clock.run(timers, TIMEOUT);
        assertThat(timedOut).hasSize(1);
    }

    @Test
    void aCancelledInviteStillEndsByItsFinalResponse() throws Exception {
        ClientTx tx = start("INVITE", tcp);
        receive(response(180));
        clock.run(timers, 10_000);
        tx.cancelSent();
        clock.run(timers, 1_000);
        assertThat(receive(response(487))).isSameAs(branch);
        assertThat(tcp.what()).containsExactly("send INVITE", "send ACK");
        assertThat(held(tx)).isFalse();
        clock.run(timers, TIMEOUT);
        assertThat(timedOut).isEmpty();
        assertThat(timers.queued()).isZero();
    }

    @Test
    void aCancelAfterTheFinalChangesNothing() throws Exception {
        ClientTx tx = start("INVITE", udp);
        receive(response(486));
        tx.cancelSent();
        clock.run(timers, Transactions.TIMER_D_MILLIS);
        assertThat(held(tx)).isFalse();
        assertThat(timedOut).isEmpty();
    }

    @Test
    void aCancelDoesNotDelayTimerBInCalling() throws Exception {
        start("INVITE", udp);
        clock.run(timers, 10_000);
        txs.client(Transactions.clientKey(request)).cancelSent();
        clock.runTo(timers, TIMEOUT);
        assertThat(timedOut).containsExactly(branch);
    }

    @Test
    void timerBDoesNotFireAfterAFinal() throws Exception {
        start("INVITE", udp);
        clock.run(timers, 100);
        receive(response(404));
        clock.run(timers, TIMEOUT + Transactions.TIMER_D_MILLIS);
        assertThat(timedOut).isEmpty();
        assertThat(txs.size()).isZero();
        assertThat(timers.queued()).isZero();
    }

    @Test
    void provisionalsAreDeliveredToTheBranch() throws Exception {
        ClientTx tx = start("INVITE", udp);
        assertThat(receive(response(100))).isSameAs(branch);
        assertThat(receive(response(180))).isSameAs(branch);
        assertThat(receive(response(180))).as("a retransmitted provisional goes on too").isSameAs(branch);
        assertThat(tx.state()).isEqualTo(ClientTx.State.PROCEEDING);
    }

    @Test
    void aNonInviteIsRetransmittedAtT1DoublingUpToT2() throws Exception {
        start("OPTIONS", udp);
        clock.runTo(timers, 20_000);
        assertThat(udp.log()).containsExactly("send OPTIONS@0", "resend OPTIONS@500", "resend OPTIONS@1500",
                "resend OPTIONS@3500", "resend OPTIONS@7500", "resend OPTIONS@11500", "resend OPTIONS@15500",
                "resend OPTIONS@19500");
    }

    @Test
    void aNonInviteKeepsRetransmittingAtT2InProceeding() throws Exception {
        ClientTx tx = start("OPTIONS", udp);
        clock.runTo(timers, 600);
        assertThat(receive(response(100))).isSameAs(branch);
        assertThat(tx.state()).isEqualTo(ClientTx.State.PROCEEDING);
        clock.runTo(timers, 14_000);
        assertThat(udp.log()).containsExactly("send OPTIONS@0", "resend OPTIONS@500", "resend OPTIONS@1500",
                "resend OPTIONS@5500", "resend OPTIONS@9500", "resend OPTIONS@13500");
    }

    @Test
    void aNonInviteIsNeverRetransmittedOverTcp() throws Exception {
        start("OPTIONS", tcp);
        receive(response(100));
        clock.run(timers, TIMEOUT);
        assertThat(tcp.what()).containsExactly("send OPTIONS");
    }

    @Test
    void timerFDeliversTheTimeoutOfANonInviteInProceeding() throws Exception {
        ClientTx tx = start("OPTIONS", udp);
        clock.run(timers, 100);
        receive(response(100));
        clock.runTo(timers, TIMEOUT - TICK);
        assertThat(timedOut).isEmpty();
        clock.run(timers, TICK);
        assertThat(timedOut).containsExactly(branch);
        assertThat(held(tx)).isFalse();
        int sent = udp.sent.size();
        clock.run(timers, 10_000);
        assertThat(udp.sent).as("no retransmission after Timer F").hasSize(sent);
    }

    @Test
    void timerFDeliversTheTimeoutOfANonInviteInTrying() throws Exception {
        start("OPTIONS", udp);
        clock.run(timers, TIMEOUT);
        assertThat(timedOut).containsExactly(branch);
    }

    @Test
    void aNon2xxFinalOfAnInviteSendsOneAck() throws Exception {
        start("INVITE", udp);
        clock.run(timers, 100);
        receive(response(180));
        SIPResponse busy = response(486);
        assertThat(receive(busy)).isSameAs(branch);
        assertThat(udp.what()).containsExactly("send INVITE", "send ACK");
        SIPRequest ack = udp.lastRequest();
        assertThat(ack.getMethod()).isEqualTo("ACK");
        assertThat(ack.getViaHeaders()).as("only the proxy's own Via").hasSize(1);
        assertThat(ack.getTopmostVia().getBranch()).isEqualTo(request.getTopmostVia().getBranch());
        assertThat(ack.getToTag()).isEqualTo("b2");
        assertThat(ack.getCSeq().getSeqNumber()).isEqualTo(7);
        assertThat(ack.getCSeq().getMethod()).isEqualTo("ACK");
        assertThat(ack.getRequestURI()).isEqualTo(request.getRequestURI());
        assertThat(ack.getCallId().getCallId()).isEqualTo(request.getCallId().getCallId());
        assertThat(ack.getFromTag()).isEqualTo(request.getFromTag());
        assertThat(ack.getHeader("Route")).as("RFC 3261 17.1.1.3: the INVITE's Route").isEqualTo(request
                .getHeader("Route"));
        assertThat(udp.sent).filteredOn(s -> s.message() instanceof SIPRequest r && r.getMethod().equals(
                "ACK")).hasSize(1);
    }

    @Test
    void aRetransmittedNon2xxFinalResendsTheAckAndIsNotDeliveredAgain() throws Exception {
        ClientTx tx = start("INVITE", udp);
        receive(response(486));
        clock.run(timers, 2_000);
        assertThat(receive(response(486))).isNull();
        clock.run(timers, 2_000);
        assertThat(receive(response(486))).isNull();
        assertThat(udp.log()).containsExactly("send INVITE@0", "send ACK@0", "resend ACK@2000", "resend ACK@4000");
        assertThat(udp.sent.get(2).message().encode()).isEqualTo(udp.sent.get(1).message().encode());
        assertThat(tx.state()).isEqualTo(ClientTx.State.COMPLETED);
    }

    @Test
    void anAckThatCouldNotBeSentIsSentWhenTheFinalComesAgain() throws Exception {
        ClientTx tx = start("INVITE", udp);
        udp.failure = new IOException("expected by the test");
        assertThat(receive(response(486))).isSameAs(branch);
        udp.failure = null;
        assertThat(receive(response(486))).isNull();
        assertThat(receive(response(486))).isNull();
        assertThat(udp.what()).containsExactly("send INVITE", "send ACK", "resend ACK");
        assertThat(udp.sent.get(2).message().encode()).isEqualTo(udp.sent.get(1).message().encode());
        assertThat(tx.state()).isEqualTo(ClientTx.State.COMPLETED);
    }

    @Test
    void timerDRemovesTheInviteTransaction32SecondsAfterItsNon2xxFinal() throws Exception {
        ClientTx tx = start("INVITE", udp);
        clock.run(timers, 1_000);
        receive(response(486));
        clock.run(timers, Transactions.TIMER_D_MILLIS - TICK);
        assertThat(held(tx)).isTrue();
        clock.run(timers, TICK);
        assertThat(held(tx)).isFalse();
        assertThat(tx.state()).isEqualTo(ClientTx.State.TERMINATED);
        int sent = udp.sent.size();
        assertThat(receive(response(486))).isNull();
        assertThat(udp.sent).as("after Timer D, no ACK").hasSize(sent);
        assertThat(timers.queued()).isZero();
    }

    @Test
    void aNon2xxFinalOverTcpSendsTheAckAndEndsTheTransactionAtOnce() throws Exception {
        ClientTx tx = start("INVITE", tcp);
        assertThat(receive(response(486))).isSameAs(branch);
        assertThat(tcp.what()).containsExactly("send INVITE", "send ACK");
        assertThat(held(tx)).isFalse();
        assertThat(tx.state()).isEqualTo(ClientTx.State.TERMINATED);
    }

    @Test
    void a2xxEndsTheInviteTransactionAtOnce() throws Exception {
        ClientTx tx = start("INVITE", udp);
        clock.run(timers, 100);
        receive(response(180));
        SIPResponse ok = response(200);
        assertThat(receive(ok)).isSameAs(branch);
        assertThat(held(tx)).isFalse();
        assertThat(tx.state()).isEqualTo(ClientTx.State.TERMINATED);
        assertThat(txs.client(Transactions.clientKey(response(200)))).as("a retransmitted 2xx finds nothing")
                .isNull();
        assertThat(tx.onResponse(response(200))).isNull();
        assertThat(udp.what()).as("the 2xx is ACKed end to end").containsExactly("send INVITE");
    }

    @Test
    void a2xxWithoutAProvisionalStopsTheRetransmissions() throws Exception {
        start("INVITE", udp);
        clock.runTo(timers, 700);
        receive(response(200));
        clock.run(timers, TIMEOUT);
        assertThat(udp.log()).containsExactly("send INVITE@0", "resend INVITE@500");
        assertThat(timedOut).isEmpty();
        assertThat(timers.queued()).isZero();
    }

    @Test
    void anAnswered2xxTransactionHoldsNeitherTheBranchNorTheRequest() throws Exception {
        ClientTx tx = start("INVITE", udp);
        assertThat(tx.holdsCallState()).isTrue();
        clock.runTo(timers, 700);
        tx.onResponse(response(200));
        assertThat(timers.queued()).as("its next retransmission, moot, still holds it until 1500 ms").isPositive();
        assertThat(tx.holdsCallState()).isFalse();
    }

    @Test
    void aLingeringOrTimedOutTransactionHoldsNeitherTheBranchNorTheRequest() throws Exception {
        ClientTx busy = start("INVITE", udp);
        busy.onResponse(response(486));
        assertThat(busy.holdsCallState()).as("after a non-2xx").isFalse();
        ClientTx options = start("OPTIONS", udp);
        options.onResponse(response(404));
        assertThat(options.holdsCallState()).as("after a non-INVITE final").isFalse();
        ClientTx silent = start("MESSAGE", udp);
        clock.run(timers, TIMEOUT);
        assertThat(silent.holdsCallState()).as("after Timer F").isFalse();
    }

    @Test
    void aNonInviteFinalLingersT4OverUdpAbsorbingRetransmissions() throws Exception {
        ClientTx tx = start("OPTIONS", udp);
        assertThat(receive(response(404))).isSameAs(branch);
        assertThat(receive(response(404))).isNull();
        clock.run(timers, T4 - TICK);
        assertThat(held(tx)).isTrue();
        clock.run(timers, TICK);
        assertThat(held(tx)).isFalse();
        assertThat(udp.what()).as("a non-INVITE is never ACKed").containsExactly("send OPTIONS");
    }

    @Test
    void aNonInviteFinalOverTcpEndsTheTransactionAtOnce() throws Exception {
        ClientTx tx = start("OPTIONS", tcp);
        assertThat(receive(response(200))).isSameAs(branch);
        assertThat(held(tx)).isFalse();
    }

    @Test
    void afterAFinalTheBranchIsNeverDeliveredAgain() throws Exception {
        for (int code : new int[]{200, 404}) {
            ClientTx tx = start("INVITE", udp);
            assertThat(tx.onResponse(response(code))).isSameAs(branch);
            assertThat(tx.onResponse(response(180))).as("%d then a provisional", code).isNull();
            assertThat(tx.onResponse(response(code))).as("%d again", code).isNull();
            assertThat(tx.onResponse(response(200))).as("%d then a 2xx", code).isNull();
            clock.run(timers, TIMEOUT);
            assertThat(timedOut).as("no timeout after %d", code).isEmpty();
        }
    }

    @Test
    void theAnswersToACancelGoNowhere() throws Exception {
        start("INVITE", udp);
        SIPRequest cancel = request.createCancelRequest();
        ClientTx tx = new ClientTx(txs, cancel, udp, null);
        tx.start();
        assertThat(tx.key).isNotEqualTo(Transactions.clientKey(request));
        SIPResponse ok = SipText.response(cancel, 200, "b2");
        assertThat(receive(ok)).isNull();
        assertThat(tx.state()).isEqualTo(ClientTx.State.COMPLETED);
        assertThat(txs.client(Transactions.clientKey(request))).as("the INVITE's own transaction").isNotNull();
    }

    @Test
    void aCancelThatTimesOutDeliversNothing() throws Exception {
        start("INVITE", tcp);
        receive(response(180));
        ClientTx tx = new ClientTx(txs, request.createCancelRequest(), tcp, null);
        tx.start();
        clock.run(timers, TIMEOUT);
        assertThat(timedOut).isEmpty();
        assertThat(held(tx)).isFalse();
    }
}
