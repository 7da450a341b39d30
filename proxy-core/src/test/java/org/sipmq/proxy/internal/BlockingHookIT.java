package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.ProxyConfig;
import org.sipmq.proxy.pv.PvEngine;
import org.sipmq.proxy.testing.FreePorts;
import org.sipmq.proxy.testing.TestUserAgent;

/**
 * The UDP reading thread runs the routing of a datagram itself while it keeps up; a hook that blocks it (which hooks
 * must not do) costs the blocked call's stripe, never the socket: another thread takes over reading, and the other
 * calls complete meanwhile.
 */
class BlockingHookIT {
    // the stripe of a call: Math.floorMod(callId.hashCode(), sip.workers), as StripedExecutor picks it
    private final HoldingHook hook = HoldingHook.firstInviteTo("stuck@");
    private final TestUserAgent alice = TestUserAgent.start("alice");
    private final TestUserAgent bob = TestUserAgent.start("bob");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private RealSipProxy proxy;

    @BeforeEach
    void setUp() throws Exception {
        int port = FreePorts.udpAndTcp();
        ProxyConfig config = ProxyConfig.builder().listen("udp:127.0.0.1:" + port).workers(4).t1Millis(100)
                .build();
        proxy = new RealSipProxy(config, new RoutingChain(List.of(hook)), new PvEngine(Map.of()), registry);
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

    @Test
    void callsOnOtherStripesCompleteWhileAHookHoldsTheReadingThread() throws Exception {
        TestUserAgent.Call stuck = alice.invite(bob.uri("stuck"));
        assertThat(hook.awaitHeld()).as("the stuck INVITE reached the hook").isTrue();

        int stuckStripe = Math.floorMod(stuck.callId().hashCode(), 4);
        List<TestUserAgent.Call> free = new ArrayList<>();
        List<TestUserAgent.Call> behind = new ArrayList<>();
        while (free.size() < 10) {
            TestUserAgent.Call call = alice.invite(bob.uri("bob"));
            (Math.floorMod(call.callId().hashCode(), 4) == stuckStripe ? behind : free).add(call);
        }
        for (TestUserAgent.Call call : free) {
            assertThat(call.awaitFinal().getStatusCode()).as("a call on another stripe, while the hook holds a thread")
                    .isEqualTo(200);
            call.ack();
        }
        assertThat(registry.get("sipmq.sip.udp_reader_takeovers").functionCounter().count()).as(
                "reading threads taken over").isEqualTo(1.0);

        hook.release();
        for (TestUserAgent.Call call : behind) {
            assertThat(call.awaitFinal().getStatusCode()).as("a call behind the held one, once released").isEqualTo(
                    200);
            call.ack();
        }
        hook.release();
        assertThat(stuck.awaitFinal().getStatusCode()).as("the held call, once released").isEqualTo(200);
        stuck.ack();
        assertThat(stuck.bye().getStatusCode()).isEqualTo(200);
    }
}
