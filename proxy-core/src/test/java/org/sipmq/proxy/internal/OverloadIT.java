package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import javax.sip.header.RetryAfterHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.ProxyConfig;
import org.sipmq.proxy.pv.PvEngine;
import org.sipmq.proxy.testing.FreePorts;
import org.sipmq.proxy.testing.TestUserAgent;

/**
 * Overload at a small scale: a worker kept busy lets new requests pile up behind it; past {@code sip.overload_backlog}
 * a new request is answered 503 with Retry-After before any transaction exists, every request admitted before it
 * completes, and service is back as soon as the backlog drains. ({@code bench/run.sh --overload} does the same with
 * SIPp at three times the proxy's capacity.)
 */
class OverloadIT {
    private final HoldingHook hook = HoldingHook.firstInvite();
    private final TestUserAgent alice = TestUserAgent.start("alice");
    private final TestUserAgent bob = TestUserAgent.start("bob");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private RealSipProxy proxy;

    @BeforeEach
    void setUp() throws Exception {
        int port = FreePorts.udpAndTcp();
        ProxyConfig config = ProxyConfig.builder().listen("udp:127.0.0.1:" + port).workers(1).overloadBacklog(2)
                .t1Millis(100).t4Millis(100).build();
        proxy = new RealSipProxy(config, new RoutingChain(List.of(hook)), new PvEngine(Map.of()),
                registry);
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
    void pastTheBacklogANewRequestGets503WithoutATransactionAndAdmittedCallsComplete() throws Exception {
        TestUserAgent.Call first = alice.invite(bob.uri("bob"));
        assertThat(hook.awaitHeld()).as("the first INVITE holds the only worker").isTrue();
        TestUserAgent.Call second = alice.invite(bob.uri("bob"));
        TestUserAgent.Call third = alice.invite(bob.uri("bob"));
        assertThat(second.await(Request.INVITE, false).getStatusCode()).as("admitted, waiting").isEqualTo(100);
        assertThat(third.await(Request.INVITE, false).getStatusCode()).as("admitted, waiting").isEqualTo(100);
        int transactions = proxy.stackTransactions();

        TestUserAgent.Call refused = alice.invite(bob.uri("bob"));
        Response busy = refused.awaitFinal();
        assertThat(busy.getStatusCode()).isEqualTo(503);
        assertThat(busy.getHeader(RetryAfterHeader.NAME)).as("Retry-After").isNotNull();
        assertThat(((ToHeader) busy.getHeader(ToHeader.NAME)).getTag()).isEqualTo(SipSupport.OWN_503_TAG);
        assertThat(proxy.stackTransactions()).as("no transaction for the refused request").isEqualTo(transactions);
        assertThat(registry.get("sipmq.sip.overload.rejections").tag("method", "INVITE").counter().count())
                .isEqualTo(1.0);

        hook.release();
        for (TestUserAgent.Call call : List.of(first, second, third)) {
            assertThat(call.awaitFinal().getStatusCode()).as("an admitted call").isEqualTo(200);
            call.ack();
            assertThat(call.bye().getStatusCode()).isEqualTo(200);
        }
        TestUserAgent.Call after = alice.invite(bob.uri("bob"));
        assertThat(after.awaitFinal().getStatusCode()).as("service is back once the backlog drained").isEqualTo(200);
        after.ack();
        assertThat(after.bye().getStatusCode()).isEqualTo(200);
        assertThat(bob.requests()).filteredOn(r -> r.getMethod().equals(Request.INVITE)).as(
                "the refused INVITE is not forwarded").hasSize(4);
    }
}
