package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.testing.TestProxy;
import org.sipmq.proxy.testing.TestUserAgent;

/**
 * The SIP path never waits on slow work queued by a hook: every call completes while the queue's consumer is stuck,
 * which no timing could show as plainly.
 */
class NonBlockingIT {
    private static final int CALLS = 30;

    @Test
    void callsCompleteWhileTheQueueConsumerIsBlocked() throws Exception {
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(CALLS * 2);
        CountDownLatch allCallsDone = new CountDownLatch(1);
        List<String> consumed = new ArrayList<>();
        Thread consumer = new Thread(() -> {
            try {
                allCallsDone.await(); // stuck until every call completed: the slowest consumer there is
                String item;
                while ((item = queue.poll(1, TimeUnit.SECONDS)) != null) {
                    consumed.add(item);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-slow-consumer");
        consumer.start();
        RoutingHook accounting = new RoutingHook() {
            @Override
            public void onRequest(RequestContext r) {
                if (!queue.offer(r.format("$rm $fu $tu"))) {
                    throw new IllegalStateException("test queue full");
                }
            }
        };
        try (TestProxy proxy = TestProxy.start("", accounting);
                TestUserAgent alice = TestUserAgent.start("alice");
                TestUserAgent bob = TestUserAgent.start("bob")) {
            alice.useProxy(proxy.port(), "udp");
            List<TestUserAgent.Call> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                calls.add(alice.invite(bob.uri("bob")));
            }
            for (TestUserAgent.Call call : calls) {
                assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
                call.ack();
            }
            assertThat(consumer.getState()).as("the consumer is still stuck").isEqualTo(Thread.State.WAITING);
            assertThat(queue).hasSize(CALLS);
        } finally {
            allCallsDone.countDown();
            consumer.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(consumed).hasSize(CALLS).allMatch(s -> s.startsWith("INVITE sip:alice@127.0.0.1 sip:bob@"));
    }
}
