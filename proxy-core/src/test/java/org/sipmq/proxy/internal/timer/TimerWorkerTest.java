package org.sipmq.proxy.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.pv.PvEngine;
import org.sipmq.proxy.timer.TimerContext;
import org.sipmq.proxy.timer.TimerDefinition;
import org.sipmq.proxy.timer.TimerRoute;

class TimerWorkerTest {
    private static final TimerDefinition T1 = new TimerDefinition("t1", Duration.ofSeconds(1), 3);

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> events = new ArrayList<>();
    private final Map<String, TimerRoute> routes = new LinkedHashMap<>();

    /** Lets the worker run {@code runs} times, recording each wait, then says stop. */
    private TimerWorker.Pause pauses(int runs) {
        int[] left = {runs};
        return delay -> {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            events.add("pause " + delay);
            return left[0]-- > 0;
        };
    }

    private TimerRoute recording(String name) {
        return ctx -> events.add(name + "@" + ctx.worker());
    }

    @Test
    void firstRunComesAfterOneIntervalThenEachRunIsFollowedByAFixedDelay() {
        routes.put("B", recording("B"));
        routes.put("A", recording("A"));
        new TimerWorker(T1, 2, routes, pauses(2), registry).run();
        assertThat(events).containsExactly("pause PT1S", "B@2", "A@2", "pause PT1S", "B@2", "A@2", "pause PT1S");
    }

    @Test
    void aThrowingRouteIsCountedAndTheNextRouteAndTheNextRunStillHappen() {
        routes.put("BAD", ctx -> {
            throw new IllegalStateException("boom");
        });
        routes.put("ERR", ctx -> {
            throw new AssertionError("worse");
        });
        routes.put("GOOD", recording("GOOD"));
        new TimerWorker(T1, 0, routes, pauses(3), registry).run();
        assertThat(events).filteredOn(e -> e.startsWith("GOOD")).hasSize(3);
        assertThat(registry.get("sipmq.rtimer.failures").tags("timer", "t1", "route", "BAD").counter().count())
                .isEqualTo(3);
        assertThat(registry.get("sipmq.rtimer.failures").tags("timer", "t1", "route", "ERR").counter().count())
                .isEqualTo(3);
        assertThat(registry.get("sipmq.rtimer.failures").tags("timer", "t1", "route", "GOOD").counter().count())
                .isZero();
    }

    @Test
    void recordsRunsPerTimerAndPerRoute() {
        routes.put("A", recording("A"));
        routes.put("B", recording("B"));
        TimerWorker w = new TimerWorker(T1, 0, routes, pauses(0), registry);
        w.runOnce();
        w.runOnce();
        assertThat(registry.get("sipmq.rtimer.runs").tag("timer", "t1").timer().count()).isEqualTo(2);
        assertThat(registry.get("sipmq.rtimer.route.runs").tags("timer", "t1", "route", "B").timer().count())
                .isEqualTo(2);
    }

    @Test
    void contextAndRtimerWorkerNameThisWorker() {
        PvEngine pv = new PvEngine(Map.of("rtimer_worker", TimerWorker.WORKER_PV));
        List<TimerContext> contexts = new ArrayList<>();
        routes.put("A", ctx -> {
            contexts.add(ctx);
            events.add(pv.format("worker $rtimer_worker"));
        });
        new TimerWorker(T1, 1, routes, pauses(1), registry).run();
        assertThat(contexts).containsExactly(new TimerContext("t1", 1, 3, "A"));
        assertThat(events).contains("worker 1");
        assertThat(pv.get("$rtimer_worker")).as("outside a worker").isNull();
    }

    @Test
    void aRouteInterruptedLeavesTheLoopAtTheNextPause() {
        routes.put("A", ctx -> {
            events.add("A");
            throw new InterruptedException("stop gave up waiting");
        });
        new TimerWorker(T1, 0, routes, pauses(5), registry).run();
        assertThat(events).containsExactly("pause PT1S", "A");
        assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
    }

    @Test
    void threadNameNamesTimerAndIndex() {
        assertThat(new TimerWorker(T1, 2, routes, pauses(0), registry).threadName()).isEqualTo("rtimer-t1-2");
    }
}
