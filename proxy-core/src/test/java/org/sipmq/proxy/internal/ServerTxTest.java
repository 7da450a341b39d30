package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerTxTest {
    private static final long T1 = 500, T4 = 5_000, TIMEOUT = 64 * T1;

    private final FakeClock clock = new FakeClock();
    private final SipTimers timers = new SipTimers("test-sip-timers", clock);
    private final List<ProxyTransaction.Branch> timedOut = new ArrayList<>();
    private final Transactions txs = new Transactions(T1, T4, timers, timedOut::add);
    private final FakeLink udp = FakeLink.udp(clock::millis);
    private final FakeLink tcp = FakeLink.tcp(clock::millis);
    private final Map<ServerTx, SIPRequest> requests = new HashMap<>();

    @AfterEach
    void stop() {
        timers.stop();
        assertThat(timedOut).as("a server transaction never times a branch out").isEmpty();
    }

    /** A server transaction of {@code method} from {@code link}, in the table, as the proxy makes one. */
    private ServerTx server(String method, Link link) {
        SIPRequest request = SipText.request(method, "z9hG4bK-up-" + method);
        ServerTx tx = new ServerTx(txs, Transactions.serverKey(request), request, link);
        assertThat(txs.add(tx)).isNull();
        tx.attach(new ProxyTransaction(null, tx, request, null));
        requests.put(tx, request);
        return tx;
    }

    private void respond(ServerTx tx, int code) throws Exception {
        tx.respond(SipText.response(requests.get(tx), code, code == 100 ? null : "b1"));
    }

    private boolean held(ServerTx tx) {
        return txs.server(tx.key) == tx;
    }

    @Test
    void aRetransmissionBeforeAnyResponseResendsNothing() {
        ServerTx tx = server("INVITE", udp);
        tx.retransmission();
        assertThat(udp.sent).isEmpty();
    }

    @Test
    void aProvisionalThenARequestRetransmissionResendsTheProvisional() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 180);
        clock.run(timers, 700);
        tx.retransmission();
        assertThat(udp.log()).containsExactly("send 180@0", "resend 180@700");
        assertThat(udp.lastResponse().getToTag()).isEqualTo("b1");
        assertThat(tx.state()).isEqualTo(ServerTx.State.PROCEEDING);
    }

    @Test
    void aRetransmissionResendsTheLatestProvisional() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 100);
        respond(tx, 183);
        tx.retransmission();
        assertThat(udp.what()).containsExactly("send 100", "send 183", "resend 183");
    }

    @Test
    void aProvisionalKeepsTheProxysState() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 180);
        assertThat(tx.proxy()).isNotNull();
    }

    @Test
    void aNonInviteFinalThenARetransmissionResendsTheFinal() throws Exception {
        ServerTx tx = server("OPTIONS", udp);
        respond(tx, 404);
        clock.run(timers, 1_000);
        tx.retransmission();
        assertThat(udp.log()).containsExactly("send 404@0", "resend 404@1000");
        assertThat(tx.state()).isEqualTo(ServerTx.State.COMPLETED);
    }

    @Test
    void aNonInviteFinalIsNotRetransmittedWithoutARetransmittedRequest() throws Exception {
        ServerTx tx = server("OPTIONS", udp);
        respond(tx, 200);
        clock.run(timers, TIMEOUT);
        assertThat(udp.what()).containsExactly("send 200");
    }

    @Test
    void aNonInviteTransactionOverUdpIsRemovedAfterTimerJ() throws Exception {
        ServerTx tx = server("OPTIONS", udp);
        respond(tx, 200);
        clock.run(timers, TIMEOUT - SipTimers.TICK_MILLIS);
        assertThat(held(tx)).isTrue();
        clock.run(timers, SipTimers.TICK_MILLIS);
        assertThat(held(tx)).isFalse();
        assertThat(tx.state()).isEqualTo(ServerTx.State.TERMINATED);
        tx.retransmission();
        assertThat(udp.what()).containsExactly("send 200");
        assertThat(timers.queued()).isZero();
    }

    @Test
    void aNonInviteTransactionOverTcpIsRemovedAtItsFinal() throws Exception {
        ServerTx tx = server("OPTIONS", tcp);
        respond(tx, 200);
        assertThat(held(tx)).isFalse();
        assertThat(tx.state()).isEqualTo(ServerTx.State.TERMINATED);
        assertThat(tcp.what()).containsExactly("send 200");
        assertThat(timers.queued()).isZero();
    }

    @Test
    void anInviteNon2xxFinalIsRetransmittedAtT1DoublingUpToT2UntilTheAck() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 486);
        clock.runTo(timers, 16_000);
        assertThat(udp.log()).containsExactly("send 486@0", "resend 486@500", "resend 486@1500",
                "resend 486@3500", "resend 486@7500", "resend 486@11500", "resend 486@15500");
        assertThat(tx.ack()).as("the ACK of the non-2xx is absorbed").isTrue();
        clock.run(timers, T4 - SipTimers.TICK_MILLIS);
        assertThat(udp.sent).hasSize(7);
        assertThat(tx.state()).isEqualTo(ServerTx.State.CONFIRMED);
        assertThat(held(tx)).isTrue();
    }

    @Test
    void theResentNon2xxFinalIsTheOneSent() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 486);
        clock.run(timers, T1);
        tx.retransmission();
        assertThat(udp.sent).hasSize(3).allSatisfy(s -> assertThat(s.message().encode()).isEqualTo(udp.sent.get(0)
                .message().encode()));
    }

    @Test
    void aRetransmittedAckIsAbsorbedAndTheTransactionIsRemovedAfterTimerI() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 486);
        clock.run(timers, 100);
        assertThat(tx.ack()).isTrue();
        clock.run(timers, 1_000);
        assertThat(tx.ack()).as("a retransmitted ACK").isTrue();
        tx.retransmission();
        assertThat(udp.what()).as("nothing is resent once confirmed").containsExactly("send 486");
        clock.runTo(timers, 100 + T4 - SipTimers.TICK_MILLIS);
        assertThat(held(tx)).isTrue();
        clock.run(timers, SipTimers.TICK_MILLIS);
        assertThat(held(tx)).isFalse();
        assertThat(tx.state()).isEqualTo(ServerTx.State.TERMINATED);
    }

    @Test
    void timerHEndsAnInviteWhoseNon2xxWasNeverAcknowledged() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 486);
        clock.run(timers, TIMEOUT - SipTimers.TICK_MILLIS);
        assertThat(held(tx)).isTrue();
        clock.run(timers, SipTimers.TICK_MILLIS);
        assertThat(held(tx)).isFalse();
        assertThat(tx.state()).isEqualTo(ServerTx.State.TERMINATED);
        int sent = udp.sent.size();
        clock.run(timers, 10_000);
        tx.retransmission();
        assertThat(udp.sent).as("nothing after Timer H").hasSize(sent);
        assertThat(tx.ack()).as("a late ACK goes on as any stray ACK").isFalse();
        assertThat(timers.queued()).isZero();
    }

    @Test
    void anInviteNon2xxOverTcpIsNotRetransmittedAndItsAckEndsTheTransaction() throws Exception {
        ServerTx tx = server("INVITE", tcp);
        respond(tx, 486);
        clock.run(timers, 10_000);
        tx.retransmission();
        assertThat(tcp.what()).as("only a retransmitted request resends it").containsExactly("send 486",
                "resend 486");
        assertThat(tx.ack()).isTrue();
        assertThat(held(tx)).isFalse();
        assertThat(tx.state()).isEqualTo(ServerTx.State.TERMINATED);
    }

    @Test
    void timerHEndsAnUnacknowledgedInviteOverTcpToo() throws Exception {
        ServerTx tx = server("INVITE", tcp);
        respond(tx, 486);
        clock.run(timers, TIMEOUT - SipTimers.TICK_MILLIS);
        assertThat(held(tx)).isTrue();
        clock.run(timers, SipTimers.TICK_MILLIS);
        assertThat(held(tx)).isFalse();
    }

    @Test
    void retransmittedInviteAfterA2xxIsAbsorbedWithoutAResend() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 180);
        respond(tx, 200);
        tx.retransmission();
        clock.run(timers, 5_000);
        tx.retransmission();
        assertThat(udp.what()).as("the 2xx is the UAS's to retransmit, end to end").containsExactly("send 180",
                "send 200");
        assertThat(tx.state()).isEqualTo(ServerTx.State.ACCEPTED);
        assertThat(held(tx)).isTrue();
    }

    @Test
    void anAckInAcceptedIsNotAbsorbed() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 200);
        assertThat(tx.ack()).as("the end-to-end ACK of the 2xx goes on").isFalse();
        assertThat(tx.state()).isEqualTo(ServerTx.State.ACCEPTED);
    }

    @Test
    void anAcceptedInviteIsRemovedAfterTimerL() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 200);
        clock.run(timers, TIMEOUT - SipTimers.TICK_MILLIS);
        assertThat(held(tx)).isTrue();
        clock.run(timers, SipTimers.TICK_MILLIS);
        assertThat(held(tx)).isFalse();
        assertThat(tx.state()).isEqualTo(ServerTx.State.TERMINATED);
        assertThat(udp.what()).containsExactly("send 200");
    }

    @Test
    void aSecondFinalIsNotSent() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 486);
        respond(tx, 200);
        respond(tx, 503);
        respond(tx, 180);
        assertThat(udp.what()).containsExactly("send 486");
        tx.retransmission();
        assertThat(udp.lastResponse().getStatusCode()).isEqualTo(486);
    }

    @Test
    void aFinalAfterA2xxIsNotSent() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 200);
        respond(tx, 486);
        respond(tx, 200);
        assertThat(udp.what()).containsExactly("send 200");
    }

    @Test
    void aSecondNonInviteFinalIsNotSent() throws Exception {
        ServerTx tx = server("OPTIONS", udp);
        respond(tx, 200);
        respond(tx, 500);
        assertThat(udp.what()).containsExactly("send 200");
    }

    @Test
    void proxyIsNullAfterAFinal() throws Exception {
        for (int code : new int[]{200, 486}) {
            ServerTx invite = server("INVITE", udp);
            respond(invite, code);
            assertThat(invite.proxy()).as("INVITE %d", code).isNull();
            txs.remove(invite);
        }
        ServerTx options = server("OPTIONS", udp);
        respond(options, 200);
        assertThat(options.proxy()).isNull();
    }

    @Test
    void aFinalThatCouldNotBeSentLeavesTheTransactionAsItWas() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 180);
        udp.failure = new java.io.IOException("expected by the test");
        try {
            respond(tx, 486);
        } catch (java.io.IOException expected) {
            // the proxy logs it
        }
        udp.failure = null;
        assertThat(tx.state()).isEqualTo(ServerTx.State.PROCEEDING);
        assertThat(tx.proxy()).isNotNull();
        respond(tx, 486);
        assertThat(udp.what()).containsExactly("send 180", "send 486");
    }

    @Test
    void anUnansweredTransactionOlderThanItsLifetimeIsReleasedWithItsProxyState() throws Exception {
        long invite = java.util.concurrent.TimeUnit.SECONDS.toNanos(300);
        long other = java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        ServerTx ringing = server("INVITE", udp);
        respond(ringing, 180);
        ServerTx options = server("OPTIONS", udp);
        ServerTx answered = server("MESSAGE", udp);
        respond(answered, 200);
        ProxyTransaction ringingState = ringing.proxy();
        ProxyTransaction optionsState = options.proxy();

        clock.advance(119_000);
        assertThat(txs.expireUnanswered(invite, other)).as("none is old enough").isEmpty();
        clock.advance(2_000);
        assertThat(txs.expireUnanswered(invite, other)).as("the non-INVITE after 120 s").containsExactly(
                optionsState);
        assertThat(held(options)).isFalse();
        clock.advance(180_000);
        assertThat(txs.expireUnanswered(invite, other)).as("the INVITE after 300 s").containsExactly(ringingState);
        assertThat(held(ringing)).isFalse();
        assertThat(ringing.proxy()).isNull();
        assertThat(udp.what()).as("nothing more is sent").containsExactly("send 180", "send 200");
    }

    @Test
    void terminateRemovesTheTransactionAtOnce() throws Exception {
        ServerTx tx = server("INVITE", udp);
        respond(tx, 100);
        tx.terminate();
        assertThat(held(tx)).isFalse();
        assertThat(tx.proxy()).isNull();
        tx.retransmission();
        respond(tx, 200);
        assertThat(udp.what()).containsExactly("send 100");
    }

    @Test
    void everyTimerOfAnAnsweredTransactionLeavesTheQueues() throws Exception {
        ServerTx invite = server("INVITE", udp);
        respond(invite, 486);
        invite.ack();
        ServerTx options = server("OPTIONS", udp);
        respond(options, 200);
        clock.run(timers, TIMEOUT + Transactions.T2_MILLIS);
        assertThat(txs.size()).isZero();
        assertThat(timers.queued()).isZero();
    }
}
