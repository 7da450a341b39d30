package org.sipmq.mqueue;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.ProxyModule;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.testing.TestProxy;
import org.sipmq.proxy.testing.TestUserAgent;
import org.sipmq.proxy.timer.TimerContext;
import org.sipmq.proxy.timer.TimerModule;
import org.sipmq.proxy.timer.TimerRoute;
import org.sipmq.proxy.timer.TimerRoutes;

/**
 * The whole path with the real queues: SIP worker threads {@code mq_add} in a routing hook while four timer workers
 * drain the same queue with Kamailio's {@code while (mq_fetch("q") == 1)} loop. Every item comes out exactly once.
 */
class SipToTimerDrainIT {
    private static final int CALLS = 200;
    private static final int ITEMS_PER_CALL = 25;
    private static final int WAVE = 50;

    private static final String CONFIG = """
            modparam("mqueue", "mqueue", "name=q")
            modparam("rtimer", "timer", "name=drain;interval=2ms;mode=4")
            modparam("rtimer", "exec", "timer=drain;route=Q_DRAIN")
            """;

    /** On each INVITE, queues ITEMS_PER_CALL items keyed by the Call-ID; the values tell them apart. */
    static final class Enqueue implements RoutingHook {
        private final MQueues mq;

        @Inject
        Enqueue(MQueues mq) {
            this.mq = mq;
        }

        @Override
        public void onRequest(RequestContext r) {
            if (r.request().getMethod().equals("INVITE")) {
                for (int i = 0; i < ITEMS_PER_CALL; i++) {
                    if (mq.mq_add("q", "$ci", "$rm " + i) != 1) {
                        throw new IllegalStateException("mq_add(\"q\") failed");
                    }
                }
            }
        }
    }

    /** What the timer workers took: how many times each item, and by which worker. */
    static final class Drained {
        final Map<String, AtomicInteger> times = new ConcurrentHashMap<>();
        final Set<Integer> workers = ConcurrentHashMap.newKeySet();
        final AtomicInteger nullReads = new AtomicInteger();
    }

    /** The Kamailio idiom: fetch into this worker's slot, then read the slot. One instance per worker. */
    static final class Drain implements TimerRoute {
        private final MQueues mq;
        private final Drained drained;

        @Inject
        Drain(MQueues mq, Drained drained) {
            this.mq = mq;
            this.drained = drained;
        }

        @Override
        public void run(TimerContext ctx) {
            while (mq.mq_fetch("q") == 1) {
                String key = mq.mqk_get("q");
                String value = mq.mqv_get("q");
                if (key == null || value == null) {
                    drained.nullReads.incrementAndGet();
                    continue;
                }
                drained.times.computeIfAbsent(key + " " + value, k -> new AtomicInteger()).incrementAndGet();
                drained.workers.add(ctx.worker());
            }
        }
    }

    @Test
    void everyItemQueuedBySipWorkersIsDrainedExactlyOnceByFourTimerWorkers() throws Exception {
        Drained drained = new Drained();
        AbstractModule routes = new AbstractModule() {
            @Override
            protected void configure() {
                bind(Drained.class).toInstance(drained);
                TimerRoutes.bind(binder(), "Q_DRAIN").to(Drain.class);
            }
        };
        Set<String> expected = new HashSet<>();
        MQueues mq;
        try (TestProxy proxy = TestProxy.startWith(CONFIG, ProxyModule.builder().hooks(Enqueue.class).build(),
                new MQueueModule(), new TimerModule(), routes);
                TestUserAgent alice = TestUserAgent.start("alice");
                TestUserAgent bob = TestUserAgent.start("bob")) {
            mq = proxy.app().injector().getInstance(MQueues.class);
            alice.useProxy(proxy.port(), "udp");
            for (int sent = 0; sent < CALLS; sent += WAVE) {
                List<TestUserAgent.Call> calls = new ArrayList<>();
                for (int i = 0; i < WAVE; i++) {
                    calls.add(alice.invite(bob.uri("bob")));
                }
                for (TestUserAgent.Call call : calls) {
                    assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
                    call.ack();
                    for (int i = 0; i < ITEMS_PER_CALL; i++) {
                        expected.add(call.callId() + " INVITE " + i);
                    }
                }
            }
            awaitDrained(drained, expected.size());
        } // stops SIP, then the timers (waiting for runs in progress), so nothing is taken after this line

        assertThat(drained.nullReads).as("fetch returned 1 but the slot read null").hasValue(0);
        List<String> twice = drained.times.entrySet().stream().filter(e -> e.getValue().get() != 1)
                .map(e -> e.getKey() + " x" + e.getValue()).toList();
        assertThat(twice).as("items drained more than once").isEmpty();
        assertThat(drained.times.keySet()).as("every queued item drained, nothing else").isEqualTo(expected);
        assertThat(drained.workers).isNotEmpty().allMatch(w -> w >= 0 && w < 4);
        assertThat(mq.mq_size("q")).isZero();
        MQueueStats stats = mq.queue("q").stats();
        assertThat(stats.adds()).isEqualTo((long) CALLS * ITEMS_PER_CALL);
        assertThat(stats.fetches()).isEqualTo((long) CALLS * ITEMS_PER_CALL);
    }

    /** A bounded wait for the workers to catch up (not a timing assertion: the check is on what they took). */
    private static void awaitDrained(Drained drained, int items) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (drained.times.size() < items && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
