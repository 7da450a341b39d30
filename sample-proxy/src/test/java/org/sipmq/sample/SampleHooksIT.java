package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.testing.TestProxy;
import org.sipmq.proxy.testing.TestUserAgent.Behavior;
import org.sipmq.proxy.testing.TestUserAgent;

/**
 * The sample's hooks in the sample's own chain ({@link SampleProxy#modules()}), through a real proxy on 127.0.0.1
 * between JAIN-SIP test user agents: alice calls bob; carol is the fallback target. No timer drains the queues, so a
 * test reads exactly what the hooks queued.
 */
class SampleHooksIT {
    private final TestUserAgent alice = TestUserAgent.start("alice");
    private final TestUserAgent bob = TestUserAgent.start("bob");
    private final TestUserAgent carol = TestUserAgent.start("carol");
    private final TestProxy proxy = TestProxy.startWith("""
            admin.listen = 127.0.0.1:0
            modparam("mqueue", "mqueue", "name=acc")
            modparam("mqueue", "mqueue", "name=caller_state;size=10000;addmode=2")
            modparam("sample", "cdr_db_url", "jdbc:h2:mem:hooks-%s;MODE=MySQL;DB_CLOSE_DELAY=-1")
            modparam("sample", "fallback", "%s")
            """.formatted(UUID.randomUUID(), carol.uri("carol")), SampleProxy.modules());

    @AfterEach
    void tearDown() {
        alice.close();
        bob.close();
        carol.close();
        proxy.close();
    }

    private MQueue queue(String name) {
        return proxy.app().injector().getInstance(MQueues.class).queue(name);
    }

    /** The acc events of one call, as the drain would see them, by kind and status. */
    private List<String> accEvents(String callId) {
        return queue(Accounting.ACC).drainAll().stream().filter(i -> i.key().equals(callId)).map(i -> CallEvent
                .parse(i.key(), i.value())).map(e -> e.kind()
                        + (e.kind() == CallEvent.Kind.REPLY
                                ? " " + e.status()
                                : ""))
                .toList();
    }

    /** The requests a user agent received but ACK, as "method CSeq", retransmissions counted once. */
    private static List<String> requestsBy(TestUserAgent ua) {
        return ua.requests().stream().filter(r -> !r.getMethod().equals(Request.ACK)).map(r -> r.getMethod() + " "
                + ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getSeqNumber()).distinct().toList();
    }

    private static String branch(Request r) {
        return ((ViaHeader) r.getHeader(ViaHeader.NAME)).getBranch();
    }

    private TestUserAgent.Call answeredCall() throws Exception {
        alice.useProxy(proxy.port(), "udp");
        bob.setBehavior(Behavior.ringThenAnswer());
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
        call.ack();
        return call;
    }

    @Test
    void rejectedReInvitesInsideAnAnsweredCallAddNoAccountingEventAndNeverReachTheFallback() throws Exception {
        TestUserAgent.Call call = answeredCall();

        bob.setBehavior(Behavior.reject(491));
        assertThat(call.inDialogRequest("INVITE").getStatusCode()).as("re-INVITE answered by bob").isEqualTo(491);
        bob.setBehavior(Behavior.reject(488));
        assertThat(call.inDialogRequest("INVITE").getStatusCode()).isEqualTo(488);
        assertThat(call.bye().getStatusCode()).isEqualTo(200);

        assertThat(accEvents(call.callId())).containsExactly("INVITE", "REPLY 200", "BYE");
        assertThat(requestsBy(bob)).containsExactly("INVITE 1", "INVITE 2", "INVITE 3", "BYE 4");
        assertThat(carol.requests()).as("requests at the fallback target").isEmpty();
    }

    @Test
    void answeredReInviteIsNotASecondAnswer() throws Exception {
        TestUserAgent.Call call = answeredCall();

        bob.setBehavior(Behavior.answer());
        assertThat(call.inDialogRequest("INVITE").getStatusCode()).isEqualTo(200);

        assertThat(requestsBy(bob)).containsExactly("INVITE 1", "INVITE 2");
        assertThat(accEvents(call.callId())).containsExactly("INVITE", "REPLY 200");
    }

    @Test
    void busyCalleeIsRetriedOnceOnTheFallbackAndAccountedOnce() throws Exception {
        alice.useProxy(proxy.port(), "udp");
        bob.setBehavior(Behavior.reject(486));
        carol.setBehavior(Behavior.answer());
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));

        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
        assertThat(carol.takeRequest(Request.INVITE).getRequestURI().toString())
                .isEqualTo(carol.uri("carol"));
        assertThat(accEvents(call.callId())).containsExactly("INVITE", "REPLY 200");
    }

    @Test
    void fallbackThatFailsTooIsNotRetriedAgain() throws Exception {
        alice.useProxy(proxy.port(), "udp");
        bob.setBehavior(Behavior.reject(486));
        carol.setBehavior(Behavior.reject(503));
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));

        assertThat(call.awaitFinal().getStatusCode()).as("a 503 from downstream goes upstream as 500 (RFC 3261 16.7)")
                .isEqualTo(500);
        assertThat(
                carol.requests().stream().filter(r -> r.getMethod().equals(Request.INVITE)).map(SampleHooksIT::branch)
                        .distinct())
                .as("INVITE branches at the fallback target").hasSize(1);
        assertThat(accEvents(call.callId())).containsExactly("INVITE", "REPLY 503");
    }

    @Test
    void calleeThatNeverAnswersTimesOutAndIsRetriedOnTheFallback() throws Exception {
        alice.useProxy(proxy.port(), "udp");
        carol.setBehavior(Behavior.answer());
        TestUserAgent.Call call;
        // Not even a 100 Trying from the callee: Timer B (64 * T1 = 3.2 s here) ends its branch with a 408.
        try (DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                0))) {
            call = alice.invite("sip:nobody@127.0.0.1:" + blackHole.getLocalPort());
            assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
        }
        assertThat(requestsBy(carol)).containsExactly("INVITE 1");
        assertThat(accEvents(call.callId())).containsExactly("INVITE", "REPLY 200");
    }

    @Test
    void redirectionIsPassedToTheCallerNotToTheFallback() throws Exception {
        alice.useProxy(proxy.port(), "udp");
        bob.setBehavior(Behavior.reject(302));
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));

        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(302);
        assertThat(carol.requests()).as("requests at the fallback target").isEmpty();
        assertThat(accEvents(call.callId())).containsExactly("INVITE", "REPLY 302");
    }

    @Test
    void callerStateKeepsOnlyTheLatestStateOfEachCaller() throws Exception {
        for (int i = 0; i < 2; i++) {
            TestUserAgent.Call call = answeredCall();
            assertThat(call.bye().getStatusCode()).isEqualTo(200);
        }

        MQueue states = queue(Accounting.CALLER_STATE);
        // Four adds for caller alice (calling, hung up, calling, hung up): each one after the first replaced the last.
        assertThat(states.stats().replaced()).isEqualTo(3);
        List<MQueueItem> items = states.drainAll();
        assertThat(items).hasSize(1);
        assertThat(items.get(0).key()).isEqualTo("alice");
        assertThat(items.get(0).value()).startsWith("hung up at ");
    }
}
