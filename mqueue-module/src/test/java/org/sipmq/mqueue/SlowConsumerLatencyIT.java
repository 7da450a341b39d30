package org.sipmq.mqueue;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hook that queues with {@code mq_add("acc", "$ci", "$rm $fu $tu")} keeps the same call latency whether the queue's
 * timer consumer spends 50 ms per item or nothing: SIP threads never wait for the consumer.
 *
 * <p>
 * The criterion is a robust one: the slow-consumer median may be up to twice the no-op median, or 25 ms more,
 * whichever is larger. To show that it is not too loose to mean anything, the same test runs a control whose hook
 * waits until the consumer has handled its item (what a blocking add would cost) and checks that the criterion
 * rejects it. Calls are made one at a time, after a warm-up, so that each latency is one call's own.
 */
class SlowConsumerLatencyIT {
    private static final Logger log = LoggerFactory.getLogger(SlowConsumerLatencyIT.class);
    private static final int WARM_UP = 10;
    private static final int CALLS = 40;
    private static final long CONSUMER_MILLIS = 50;

    private static final String CONFIG = """
            modparam("mqueue", "mqueue", "name=acc")
            modparam("rtimer", "timer", "name=acc;interval=1ms;mode=1")
            modparam("rtimer", "exec", "timer=acc;route=ACC_DRAIN")
            """;

    private enum Mode {
        /** The consumer takes each item and does nothing with it. */
        NO_OP_CONSUMER,
        /** The consumer spends 50 ms on each item. */
        SLOW_CONSUMER,
        /** Control: the slow consumer, and a hook that waits until its item was consumed. */
        BLOCKING_HOOK
    }

    /** Shared by the hook and the consumer of one run. */
    static final class Run {
        final Mode mode;
        final Map<String, CountDownLatch> consumedByCallId = new ConcurrentHashMap<>();
        final AtomicInteger maxDepth = new AtomicInteger();
        final AtomicInteger consumed = new AtomicInteger();

        Run(Mode mode) {
            this.mode = mode;
        }
    }

    static final class Accounting implements RoutingHook {
        private final MQueues mq;
        private final Run run;

        @Inject
        Accounting(MQueues mq, Run run) {
            this.mq = mq;
            this.run = run;
        }

        @Override
        public void onRequest(RequestContext r) {
            if (!r.request().getMethod().equals("INVITE")) {
                return;
            }
            CountDownLatch consumed = new CountDownLatch(1);
            if (run.mode == Mode.BLOCKING_HOOK) {
                run.consumedByCallId.put(r.format("$ci"), consumed);
            }
            if (mq.mq_add("acc", "$ci", "$rm $fu $tu") != 1) {
                throw new IllegalStateException("mq_add(\"acc\") failed");
            }
            run.maxDepth.accumulateAndGet(mq.mq_size("acc"), Math::max);
            if (run.mode == Mode.BLOCKING_HOOK) {
                try {
                    consumed.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    static final class AccDrain implements TimerRoute {
        private final MQueues mq;
        private final Run run;

        @Inject
        AccDrain(MQueues mq, Run run) {
            this.mq = mq;
            this.run = run;
        }

        @Override
        public void run(TimerContext ctx) throws InterruptedException {
            while (mq.mq_fetch("acc") == 1) {
                if (run.mode != Mode.NO_OP_CONSUMER) {
                    Thread.sleep(CONSUMER_MILLIS); // the slow work: an HTTP call, a database insert
                }
                run.consumed.incrementAndGet();
                CountDownLatch waiting = run.consumedByCallId.remove(mq.mqk_get("acc"));
                if (waiting != null) {
                    waiting.countDown();
                }
            }
        }
    }

    /** Call latencies in ms (INVITE sent to 200 received), sorted; and the largest queue depth the hook saw. */
    private record Latencies(Mode mode, double[] sortedMillis, int maxDepth) {
        double median() {
            return sortedMillis[sortedMillis.length / 2];
        }

        double p90() {
            return sortedMillis[(int) (sortedMillis.length * 0.9)];
        }

        double max() {
            return sortedMillis[sortedMillis.length - 1];
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s: median %.1f ms, p90 %.1f ms, max %.1f ms (%d calls),"
                    + " largest queue depth %d", mode, median(), p90(), max(), sortedMillis.length, maxDepth);
        }
    }

    /** Within twice the no-op median, or 25 ms above it, whichever is larger. */
    private static boolean sameLatency(Latencies measured, Latencies noOp) {
        return measured.median() <= Math.max(2 * noOp.median(), noOp.median() + CONSUMER_MILLIS / 2.0);
    }

    @Test
    void callLatencyIsTheSameWhetherTheConsumerSpends50msPerItemOrNothing() throws Exception {
        try (TestUserAgent alice = TestUserAgent.start("alice"); TestUserAgent bob = TestUserAgent.start("bob")) {
            Latencies noOp = measure(Mode.NO_OP_CONSUMER, alice, bob);
            Latencies slow = measure(Mode.SLOW_CONSUMER, alice, bob);
            Latencies blocking = measure(Mode.BLOCKING_HOOK, alice, bob);
            log.info("BENCHMARK SlowConsumerLatencyIT {}", noOp);
            log.info("BENCHMARK SlowConsumerLatencyIT {}", slow);
            log.info("BENCHMARK SlowConsumerLatencyIT {}", blocking);

            assertThat(slow.maxDepth()).as("the slow consumer fell behind: %s", slow).isGreaterThan(1);
            assertThat(sameLatency(slow, noOp)).as("%s vs %s", slow, noOp).isTrue();
            // The control: a hook that waits for the consumer takes >= 50 ms per call, and the criterion sees it.
            assertThat(blocking.median()).as("control %s", blocking).isGreaterThanOrEqualTo(CONSUMER_MILLIS);
            assertThat(sameLatency(blocking, noOp)).as("control %s vs %s", blocking, noOp).isFalse();
        }
    }

    private static Latencies measure(Mode mode, TestUserAgent alice, TestUserAgent bob) throws Exception {
        Run run = new Run(mode);
        AbstractModule bindings = new AbstractModule() {
            @Override
            protected void configure() {
                bind(Run.class).toInstance(run);
                TimerRoutes.bind(binder(), "ACC_DRAIN").to(AccDrain.class);
            }
        };
        List<Double> millis = new ArrayList<>();
        try (TestProxy proxy = TestProxy.startWith(CONFIG, ProxyModule.builder().hooks(Accounting.class).build(),
                new MQueueModule(), new TimerModule(), bindings)) {
            alice.useProxy(proxy.port(), "udp");
            for (int i = 0; i < WARM_UP + CALLS; i++) {
                long start = System.nanoTime();
                TestUserAgent.Call call = alice.invite(bob.uri("bob"));
                assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
                long elapsed = System.nanoTime() - start;
                call.ack();
                if (i >= WARM_UP) {
                    millis.add(elapsed / 1e6);
                }
            }
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return new Latencies(mode, sorted, run.maxDepth.get());
    }
}
