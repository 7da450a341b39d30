package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RetryAfterHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.FailureContext;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.testing.TestProxy;
import org.sipmq.proxy.testing.TestUserAgent.Behavior;
import org.sipmq.proxy.testing.TestUserAgent;

/**
 * Call flows through a real proxy between real user agents on 127.0.0.1 (RFC 3261 section 16). Each test ends by
 * checking that the proxy holds no transaction once the (shortened) timers have run.
 */
class CallFlowIT {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TestProxy proxy;
    private TestUserAgent alice;
    private TestUserAgent bob;

    private void start(String config, RoutingHook... hooks) {
        proxy = TestProxy.start(config, hooks);
        alice = TestUserAgent.start("alice");
        bob = TestUserAgent.start("bob");
        closeables.add(alice);
        closeables.add(bob);
        alice.useProxy(proxy.port(), "udp");
    }

    /** Replaces the proxy and user agents of {@link #setUp()} with ones started from this configuration and hooks. */
    private void restart(String config, RoutingHook... hooks) throws Exception {
        tearDown();
        closeables.clear();
        start(config, hooks);
    }

    @BeforeEach
    void setUp() {
        start("");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    /** After a run of calls, no transaction outlives its timers (T1 50 ms, T4 100 ms here; Timer D stays 32 s, so flows with a non-2xx final only check the in-flight count). */
    private void assertNothingInFlight() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (proxy.proxy().inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20); // bounded wait for the worker to finish the call
        }
        assertThat(proxy.proxy().inFlight()).as("requests in flight").isZero();
    }

    private void assertNoTransactionLeftAfterTimers() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (proxy.proxy().stackTransactions() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50); // bounded wait for the stack's own timers
        }
        assertThat(proxy.proxy().stackTransactions()).as("transactions left in the stack").isZero();
        assertThat(proxy.proxy().inFlight()).as("requests in flight").isZero();
    }

    @Test
    void inviteRingingAnswerAckByeGoThroughTheProxy() throws Exception {
        bob.setBehavior(Behavior.ringThenAnswer());
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));

        Request invite = bob.takeRequest(Request.INVITE);
        assertThat(((MaxForwardsHeader) invite.getHeader(MaxForwardsHeader.NAME)).getMaxForwards()).isEqualTo(69);
        assertThat(invite.getHeader(RouteHeader.NAME)).as("our own Route is removed").isNull();
        RecordRouteHeader rr = (RecordRouteHeader) invite.getHeader(RecordRouteHeader.NAME);
        assertThat(rr.getAddress().getURI().toString()).contains("127.0.0.1:" + proxy.port()).contains("lr");
        ViaHeader top = (ViaHeader) invite.getHeader(ViaHeader.NAME);
        assertThat(top.getPort()).isEqualTo(proxy.port());
        assertThat(top.getBranch()).startsWith("z9hG4bK");

        Response ok = call.awaitFinal();
        assertThat(ok.getStatusCode()).isEqualTo(200);
        assertThat(call.codes()).as("180 before 200, 100 not forwarded twice").containsExactly(100, 180, 200);

        call.ack();
        Request ack = bob.takeRequest(Request.ACK);
        assertThat(((ViaHeader) ack.getHeader(ViaHeader.NAME)).getBranch()).startsWith("z9hG4bK");

        assertThat(call.bye().getStatusCode()).isEqualTo(200);
        assertThat(bob.takeRequest(Request.BYE).getHeader(RouteHeader.NAME)).isNull();
        assertNoTransactionLeftAfterTimers();

        io.micrometer.core.instrument.MeterRegistry meters = proxy.app().injector().getInstance(
                io.micrometer.core.instrument.MeterRegistry.class);
        assertThat(meters.counter("sipmq.sip.requests", "method", "INVITE").count()).isEqualTo(1.0);
        assertThat(meters.counter("sipmq.sip.requests", "method", "BYE").count()).isEqualTo(1.0);
        assertThat(meters.counter("sipmq.sip.replies", "code", "180").count()).isEqualTo(1.0);
        assertThat(meters.counter("sipmq.sip.replies", "code", "200").count()).isEqualTo(2.0);
        assertThat(meters.get("sipmq.sip.in_flight").gauge().value()).isZero();
    }

    @Test
    void inDialogRequestsFollowTheRouteSet() throws Exception {
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
        call.ack();
        assertThat(call.inDialogRequest(Request.INFO).getStatusCode()).isEqualTo(200);
        Request info = bob.takeRequest(Request.INFO);
        assertThat(info.getRequestURI().toString()).isEqualTo("sip:bob@127.0.0.1:" + bob.port());
        assertThat(info.getHeader(RouteHeader.NAME)).isNull();
        assertThat(((ViaHeader) info.getHeader(ViaHeader.NAME)).getPort()).isEqualTo(proxy.port());
        assertThat(info.getHeader(RecordRouteHeader.NAME)).as("no Record-Route inside a dialog").isNull();
        assertThat(call.inDialogRequest(Request.UPDATE).getStatusCode()).isEqualTo(200);
        assertThat(call.bye().getStatusCode()).isEqualTo(200);
    }

    /**
     * The UDP listening point reads every datagram into one reused buffer ({@link UdpProcessorFactory}) and queues a
     * copy of each: datagrams of very different sizes sent back to back must each arrive whole.
     */
    @Test
    void udpDatagramsOfAnySizeArriveWholeThroughTheReusedBuffer() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            bodies.add(i % 2 == 0 ? ("L" + i).repeat(3_000) : "small " + i);
        }
        try (DatagramSocket raw = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            for (String body : bodies) {
                byte[] datagram = rawMessage(raw.getLocalPort(), body).getBytes(StandardCharsets.UTF_8);
                raw.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), proxy
                        .port()));
            }
            List<String> received = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i++) {
                received.add(new String(bob.takeRequest(Request.MESSAGE).getRawContent(), StandardCharsets.UTF_8));
            }
            assertThat(received).containsExactlyInAnyOrderElementsOf(bodies);
        }
    }

    /**
     * The stack asks for a 64 KiB socket receive buffer, which the burst above overflows whenever the reading thread is
     * descheduled for a moment (as on a busy CI machine); the proxy asks for {@code sip.udp_receive_buffer}. The kernel
     * caps the request at {@code net.core.rmem_max}.
     */
    @Test
    void udpListeningSocketGetsTheConfiguredReceiveBuffer() throws Exception {
        restart("sip.udp_receive_buffer = 1048576\n");
        long cap = Long.parseLong(Files.readString(Path.of("/proc/sys/net/core/rmem_max")).strip());
        assertThat((long) ((RealSipProxy) proxy.proxy()).udpReceiveBufferBytes()).isGreaterThanOrEqualTo(Math.min(
                1_048_576L, cap));
    }

    private String rawMessage(int fromPort, String body) {
        String branch = "z9hG4bK-raw-" + System.nanoTime();
        return "MESSAGE " + bob.uri("bob") + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + fromPort + ";branch=" + branch + "\r\n"
                + "From: <sip:raw@127.0.0.1>;tag=raw\r\n"
                + "To: " + "<" + bob.uri("bob") + ">\r\n"
                + "Call-ID: " + branch + "@127.0.0.1\r\n"
                + "CSeq: 1 MESSAGE\r\n"
                + "Max-Forwards: 70\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n"
                + body;
    }

    @Test
    void messageOptionsAndReInviteAreProxiedStatefully() throws Exception {
        assertThat(alice.request(Request.MESSAGE, bob.uri("bob")).await(Request.MESSAGE, true).getStatusCode())
                .isEqualTo(200);
        Request message = bob.takeRequest(Request.MESSAGE);
        assertThat(((ViaHeader) message.getHeader(ViaHeader.NAME)).getPort()).isEqualTo(proxy.port());
        assertThat(alice.request(Request.OPTIONS, bob.uri("bob")).await(Request.OPTIONS, true).getStatusCode())
                .isEqualTo(200);
        assertThat(bob.takeRequest(Request.OPTIONS)).isNotNull();

        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
        call.ack();
        bob.takeRequest(Request.INVITE);
        assertThat(call.inDialogRequest(Request.INVITE).getStatusCode()).as("re-INVITE").isEqualTo(200);
        Request reInvite = bob.takeRequest(Request.INVITE);
        assertThat(((javax.sip.header.ToHeader) reInvite.getHeader("To")).getTag()).isNotNull();
        assertThat(reInvite.getHeader(RecordRouteHeader.NAME)).as("no Record-Route inside a dialog").isNull();
        assertThat(((ViaHeader) reInvite.getHeader(ViaHeader.NAME)).getPort()).isEqualTo(proxy.port());
        assertThat(call.bye().getStatusCode()).isEqualTo(200);
        assertNoTransactionLeftAfterTimers();
    }

    @Test
    void requestForTheProxyItselfIsNotLoopedBack() throws Exception {
        TestUserAgent.Call call = alice.request(Request.OPTIONS, "sip:127.0.0.1:" + proxy.port());
        assertThat(call.await(Request.OPTIONS, true).getStatusCode()).isEqualTo(482);
    }

    @Test
    void retransmitted2xxIsForwardedStatelesslyAndAckKeepsOneBranch() throws Exception {
        bob.setBehavior(Behavior.answerTwice());
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        call.awaitFinal();
        assertThat(call.awaitCodes(4)).containsExactly(100, 180, 200, 200);

        call.ack();
        call.ack(); // a retransmission of the same ACK
        Request first = bob.takeRequest(Request.ACK);
        Request second = bob.takeRequest(Request.ACK);
        String branch = ((ViaHeader) first.getHeader(ViaHeader.NAME)).getBranch();
        assertThat(branch).startsWith("z9hG4bK");
        assertThat(((ViaHeader) second.getHeader(ViaHeader.NAME)).getBranch()).isEqualTo(branch);
        call.bye();
        assertNoTransactionLeftAfterTimers();
    }

    @Test
    void cancelAfterProvisionalIsSentDownstreamAndGives487() throws Exception {
        bob.setBehavior(Behavior.ring());
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        assertThat(call.await(Request.INVITE, false).getStatusCode()).isEqualTo(100);
        while (call.await(Request.INVITE, false).getStatusCode() != 180) {
            // wait for the ringing
        }
        assertThat(call.cancel().getStatusCode()).isEqualTo(200);
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(487);
        assertThat(bob.takeRequest(Request.CANCEL)).isNotNull();
        assertNothingInFlight();
    }

    @Test
    void cancelBeforeProvisionalWaitsForTheProvisionalThenCancels() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        bob.setBehavior((uas, st, invite) -> {
            cancelled.await(10, TimeUnit.SECONDS); // holds bob's answer until alice's CANCEL was accepted
            uas.respond(st, invite, 180);
        });
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        bob.takeRequest(Request.INVITE);
        assertThat(call.cancel().getStatusCode()).isEqualTo(200);
        cancelled.countDown();
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(487);
        assertThat(bob.takeRequest(Request.CANCEL)).isNotNull();
        assertThat(call.codes(Request.INVITE)).doesNotContain(200);
        assertNothingInFlight();
    }

    @Test
    void busyTargetIsReplacedByTheFailureHooksNewTarget() throws Exception {
        busyFailover("udp");
        assertNothingInFlight(); // Timer D keeps the 486 branch 32 s over UDP
    }

    @Test
    void busyTargetIsReplacedByTheFailureHooksNewTargetOverTcpLeavingNoTransaction() throws Exception {
        busyFailover("tcp");
        assertNoTransactionLeftAfterTimers();
    }

    /**
     * An answered BYE's server transaction stays in the stack for Timer J (64*T1) to absorb retransmissions; it must not
     * keep the proxy's state of the request (the request, its branches, their client transactions) alive that long,
     * which at a few hundred calls per second is most of the heap and of every young collection's copying.
     */
    @Test
    void answeredRequestIsReleasedWhileItsServerTransactionLingers() throws Exception {
        List<Request> byes = new CopyOnWriteArrayList<>();
        restart("", new RoutingHook() {
            @Override
            public void onRequest(RequestContext request) {
                if (Request.BYE.equals(request.request().getMethod())) {
                    byes.add(request.request());
                }
            }
        });
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
        call.ack();
        assertThat(call.bye().getStatusCode()).isEqualTo(200);
        assertThat(byes).hasSize(1);
        RealSipProxy real = (RealSipProxy) proxy.proxy();
        ServerTx lingering = real.serverTransaction(byes.get(0));
        assertThat(lingering).as("the BYE's server transaction, in Timer J (3.2 s here)").isNotNull();
        assertThat(lingering.state()).isEqualTo(ServerTx.State.COMPLETED);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (lingering.proxy() != null && System.nanoTime() < deadline) {
            Thread.sleep(10); // the worker unlinks it right after sending the 200 that alice already has
        }
        assertThat(lingering.proxy()).as("the proxy's state, reachable from the lingering transaction").isNull();
        assertNoTransactionLeftAfterTimers();
    }

    private void busyFailover(String transport) throws Exception {
        tearDown();
        closeables.clear();
        TestUserAgent carol = TestUserAgent.start("carol");
        closeables.add(carol);
        List<String> seen = new ArrayList<>();
        start("", new RoutingHook() {
            @Override
            public void onFailure(FailureContext failure) {
                seen.add(failure.format("$rs $rr $rm $rU"));
                if (failure.response().getStatusCode() == 486) {
                    failure.forward(carol.uri("carol", transport));
                }
            }
        });
        alice.useProxy(proxy.port(), transport);
        bob.setBehavior(Behavior.reject(486));
        TestUserAgent.Call call = alice.invite(bob.uri("bob", transport));
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
        assertThat(carol.takeRequest(Request.INVITE).getRequestURI().toString()).isEqualTo(carol.uri("carol",
                transport));
        assertThat(seen).containsExactly("486 Busy here INVITE bob");
        call.ack();
        carol.takeRequest(Request.ACK);
        assertThat(call.bye().getStatusCode()).isEqualTo(200);
    }

    @Test
    void a503FromDownstreamGoesUpstreamAs500AfterTheFailureHooksSawIt() throws Exception {
        List<String> seen = new ArrayList<>();
        restart("", new RoutingHook() {
            @Override
            public void onFailure(FailureContext failure) {
                seen.add(failure.format("$rs"));
            }
        });
        bob.setBehavior(Behavior.reject(503));
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(500);
        assertThat(seen).containsExactly("503");
        assertThat(alice.invite("sip:nobody@127.0.0.1:" + bob.port() + ";transport=sctp").awaitFinal()
                .getStatusCode()).as("the proxy's own 'No Route To Destination'").isEqualTo(500);
        assertNothingInFlight();
    }

    @Test
    void parallelForkTakesTheFirst2xxAndCancelsTheOtherBranch() throws Exception {
        tearDown();
        closeables.clear();
        TestUserAgent carol = TestUserAgent.start("carol");
        closeables.add(carol);
        CountDownLatch bobRinging = new CountDownLatch(1);
        start("", new RoutingHook() {
            @Override
            public void onRequest(org.sipmq.proxy.RequestContext r) {
                if (r.request().getMethod().equals(Request.INVITE)) {
                    r.forward(bob.uri("bob"), carol.uri("carol"));
                }
            }
        });
        bob.setBehavior((uas, st, invite) -> {
            uas.respond(st, invite, 180);
            bobRinging.countDown();
        });
        carol.setBehavior((uas, st, invite) -> {
            bobRinging.await(10, TimeUnit.SECONDS); // answers once bob rings, so bob's branch is alive to cancel
            uas.respond(st, invite, 200);
        });
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
        assertThat(bob.takeRequest(Request.CANCEL)).isNotNull();
        call.ack();
        assertThat(carol.takeRequest(Request.ACK)).isNotNull();
        assertThat(call.bye().getStatusCode()).isEqualTo(200);
        assertThat(carol.takeRequest(Request.BYE)).isNotNull();
        assertNothingInFlight();
    }

    @Test
    void timerCCancelsABranchThatRingsForeverAndGives408() throws Exception {
        restart("sip.timer_c = 1\n");
        bob.setBehavior(Behavior.ring());
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(408);
        assertThat(call.codes(Request.INVITE)).containsExactly(100, 180, 408);
        assertThat(bob.takeRequest(Request.CANCEL)).as("the callee's branch is cancelled").isNotNull();
        assertNothingInFlight();
    }

    @Test
    void silentTargetGives408() throws Exception {
        try (DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                0))) {
            TestUserAgent.Call call = alice.invite("sip:nobody@127.0.0.1:" + blackHole.getLocalPort());
            assertThat(call.awaitFinal().getStatusCode()).isEqualTo(408);
        }
        assertNoTransactionLeftAfterTimers();
    }

    @Test
    void timeoutIsReplacedByTheFailureHooksNewTarget() throws Exception {
        try (DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                0))) {
            List<String> seen = new ArrayList<>();
            restart("", new RoutingHook() {
                @Override
                public void onFailure(FailureContext failure) {
                    seen.add(failure.format("$rs"));
                    failure.forward(bob.uri("bob"));
                }
            });
            TestUserAgent.Call call = alice.invite("sip:nobody@127.0.0.1:" + blackHole.getLocalPort());
            assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
            assertThat(seen).containsExactly("408");
            call.ack();
            assertThat(call.bye().getStatusCode()).isEqualTo(200);
        }
        assertNothingInFlight();
    }

    @Test
    void maxForwardsZeroGives483AndIsNotForwarded() throws Exception {
        TestUserAgent.Call call = alice.invite(bob.uri("bob"), 0);
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(483);
        TestUserAgent.Call other = alice.request(Request.OPTIONS, bob.uri("bob"));
        assertThat(other.await(Request.OPTIONS, true).getStatusCode()).isEqualTo(200);
        assertThat(bob.requests()).extracting(Request::getMethod).containsExactly(Request.OPTIONS);
        assertNoTransactionLeftAfterTimers();
    }

    @Test
    void tcpInTcpOut() throws Exception {
        alice.useProxy(proxy.port(), "tcp");
        TestUserAgent.Call call = alice.invite(bob.uri("bob", "tcp"));
        Request invite = bob.takeRequest(Request.INVITE);
        assertThat(((ViaHeader) invite.getHeader(ViaHeader.NAME)).getTransport()).isEqualToIgnoringCase("tcp");
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
        call.ack();
        bob.takeRequest(Request.ACK);
        assertThat(call.bye().getStatusCode()).isEqualTo(200);
        assertNoTransactionLeftAfterTimers();
    }

    @Test
    void cancelOverTcpLeavesNoTransactionBehind() throws Exception {
        alice.useProxy(proxy.port(), "tcp");
        bob.setBehavior(Behavior.ring());
        TestUserAgent.Call call = alice.invite(bob.uri("bob", "tcp"));
        while (call.await(Request.INVITE, false).getStatusCode() != 180) {
            // wait for the ringing
        }
        assertThat(call.cancel().getStatusCode()).isEqualTo(200);
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(487);
        assertThat(bob.takeRequest(Request.CANCEL)).isNotNull();
        assertNoTransactionLeftAfterTimers(); // over TCP, Timers D, I, J and K are zero
    }

    @Test
    void udpInTcpOutRecordRoutesBothSides() throws Exception {
        TestUserAgent.Call call = alice.invite(bob.uri("bob", "tcp"));
        Request invite = bob.takeRequest(Request.INVITE);
        assertThat(((ViaHeader) invite.getHeader(ViaHeader.NAME)).getTransport()).isEqualToIgnoringCase("tcp");
        List<String> rr = new ArrayList<>();
        for (java.util.ListIterator<?> it = invite.getHeaders(RecordRouteHeader.NAME); it.hasNext();) {
            rr.add(((RecordRouteHeader) it.next()).getAddress().getURI().toString());
        }
        assertThat(rr).hasSize(2);
        assertThat(rr.get(0)).contains("transport=tcp");
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
        call.ack();
        bob.takeRequest(Request.ACK);
        assertThat(call.bye().getStatusCode()).isEqualTo(200);
        assertThat(bob.takeRequest(Request.BYE).getHeader(RouteHeader.NAME)).isNull();
    }

    @Test
    void requestsOverTheInFlightBoundGet503WithRetryAfter() throws Exception {
        restart("sip.max_in_flight = 1\nsip.retry_after = 7\n");
        bob.setBehavior(Behavior.ring());
        TestUserAgent.Call first = alice.invite(bob.uri("bob"));
        bob.takeRequest(Request.INVITE);
        TestUserAgent.Call second = alice.invite(bob.uri("bob"));
        Response busy = second.awaitFinal();
        assertThat(busy.getStatusCode()).isEqualTo(503);
        assertThat(((RetryAfterHeader) busy.getHeader(RetryAfterHeader.NAME)).getRetryAfter()).isEqualTo(7);
        io.micrometer.core.instrument.MeterRegistry meters = proxy.app().injector().getInstance(
                io.micrometer.core.instrument.MeterRegistry.class);
        assertThat(meters.counter("sipmq.sip.overload.rejections", "method", "INVITE").count()).isEqualTo(1.0);
        assertThat(meters.counter("sipmq.sip.requests", "method", "INVITE").count()).as("rejected ones included")
                .isEqualTo(2.0);
        assertThat(meters.counter("sipmq.sip.replies", "code", "503").count()).isEqualTo(1.0);
        first.cancel();
        assertThat(first.awaitFinal().getStatusCode()).isEqualTo(487);
        assertNothingInFlight();
        assertThat(bob.requests()).as("the callee sees nothing of the rejected call, not even the ACK of its 503")
                .noneMatch(r -> second.callId().equals(SipSupport.callId(r)));
    }

    @Test
    void inDialogRequestsPassTheOverloadValve() throws Exception {
        restart("sip.max_in_flight = 1\n");
        TestUserAgent.Call up = alice.invite(bob.uri("bob"));
        assertThat(up.awaitFinal().getStatusCode()).isEqualTo(200);
        up.ack();
        bob.setBehavior(Behavior.ring());
        TestUserAgent.Call ringing = alice.invite(bob.uri("bob"));
        bob.takeRequest(Request.INVITE);
        bob.takeRequest(Request.INVITE); // the second call holds the only in-flight slot
        assertThat(alice.invite(bob.uri("bob")).awaitFinal().getStatusCode()).as("a new call").isEqualTo(503);
        assertThat(up.bye().getStatusCode()).as("the BYE of a call already up").isEqualTo(200);
        assertThat(bob.takeRequest(Request.BYE)).isNotNull();
        ringing.cancel();
        assertThat(ringing.awaitFinal().getStatusCode()).isEqualTo(487);
        assertNothingInFlight();
    }

    @Test
    void manyCallsKeepTheirOrderAndLeaveNothingBehind() throws Exception {
        bob.setBehavior(Behavior.ringThenAnswer());
        List<TestUserAgent.Call> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(alice.invite(bob.uri("bob")));
        }
        for (TestUserAgent.Call call : calls) {
            assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
            assertThat(call.codes()).as("call " + call.callId()).containsExactly(100, 180, 200);
            call.ack();
            assertThat(call.bye().getStatusCode()).isEqualTo(200);
        }
        assertNoTransactionLeftAfterTimers();
    }
}
