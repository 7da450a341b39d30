package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sip.header.RetryAfterHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.ProxyConfig;
import org.sipmq.proxy.pv.PvEngine;
import org.sipmq.proxy.testing.FreePorts;
import org.sipmq.proxy.testing.TestUserAgent.Behavior;
import org.sipmq.proxy.testing.TestUserAgent;

/**
 * A proxy with one worker whose queue holds one new message, kept busy by a hook that holds the first INVITE: what
 * does not fit is answered, and what belongs to accepted requests is never lost.
 */
class WorkerQueueIT {
    private final HoldingHook hook = HoldingHook.firstInvite();
    private final TestUserAgent alice = TestUserAgent.start("alice");
    private final TestUserAgent bob = TestUserAgent.start("bob");
    private RealSipProxy proxy;

    @BeforeEach
    void setUp() throws Exception {
        int port = FreePorts.udpAndTcp();
        ProxyConfig config = ProxyConfig.builder().listen("udp:127.0.0.1:" + port).listen("tcp:127.0.0.1:" + port)
                .workers(1).t1Millis(50).t4Millis(100).build();
        proxy = new RealSipProxy(config, new RoutingChain(List.of(hook)), new PvEngine(Map.of()),
                new SimpleMeterRegistry(), 1);
        proxy.start();
        alice.useProxy(port, "udp");
    }

    @AfterEach
    void tearDown() {
        hook.release();
        alice.close();
        bob.close();
        proxy.stop();
    }

    /** Holds the worker with a first call and fills its queue with a second; returns both. */
    private TestUserAgent.Call[] fillTheWorker() throws Exception {
        TestUserAgent.Call a = alice.invite(bob.uri("bob"));
        assertThat(hook.awaitHeld()).as("the first INVITE reached the hook").isTrue();
        TestUserAgent.Call b = alice.invite(bob.uri("bob"));
        assertThat(b.await(Request.INVITE, false).getStatusCode()).as("the second INVITE was accepted").isEqualTo(
                100);
        return new TestUserAgent.Call[]{a, b};
    }

    @Test
    void aNewRequestThatDoesNotFitItsWorkerGets503AndIsCountedOnce() throws Exception {
        TestUserAgent.Call[] calls = fillTheWorker();
        TestUserAgent.Call third = alice.invite(bob.uri("bob"));
        Response busy = third.awaitFinal();
        assertThat(busy.getStatusCode()).isEqualTo(503);
        assertThat(busy.getHeader(RetryAfterHeader.NAME)).isNotNull();

        hook.release();
        for (TestUserAgent.Call call : calls) {
            assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
            call.ack();
            bob.takeRequest(Request.ACK); // the one queue slot is free again before the BYE, another new message
            assertThat(call.bye().getStatusCode()).isEqualTo(200);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (proxy.stackTransactions() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50); // bounded wait for the stack's timers, the refused INVITE's included
        }
        assertThat(proxy.stackTransactions()).as("transactions left in the stack").isZero();
        assertThat(proxy.inFlight()).as("requests in flight, the refused one counted once").isZero();
        assertThat(bob.requests()).filteredOn(r -> r.getMethod().equals(Request.INVITE)).as(
                "the refused INVITE is not forwarded").hasSize(2);
    }

    @Test
    void aCancelForAnAcceptedInviteIsQueuedEvenWhenTheWorkerIsFull() throws Exception {
        bob.setBehavior(Behavior.ring());
        TestUserAgent.Call[] calls = fillTheWorker();
        assertThat(alice.invite(bob.uri("bob")).awaitFinal().getStatusCode()).as("the worker is full").isEqualTo(503);
        calls[1].sendCancel();

        hook.release();
        assertThat(calls[1].await(Request.CANCEL, true).getStatusCode()).isEqualTo(200);
        assertThat(calls[1].awaitFinal().getStatusCode()).isEqualTo(487);
        assertThat(calls[0].cancel().getStatusCode()).isEqualTo(200);
        assertThat(calls[0].awaitFinal().getStatusCode()).isEqualTo(487);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (proxy.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20); // bounded wait for the worker to finish the calls
        }
        assertThat(proxy.inFlight()).as("requests in flight").isZero();
    }
}
