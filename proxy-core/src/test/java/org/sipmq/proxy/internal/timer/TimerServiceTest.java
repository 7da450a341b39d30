package org.sipmq.proxy.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.inject.Provider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.pv.Vars;
import org.sipmq.proxy.testing.FakeTicker;
import org.sipmq.proxy.timer.TimerConfig;
import org.sipmq.proxy.timer.TimerRoute;

/**
 * Real worker threads on a {@link FakeTicker}: a pause ends only when the test moves the clock, so every run happens
 * at a step of the test, and no test waits for an interval of real time. Every wait is bounded (the class timeout and
 * the ticker's own 20 s), never a sleep.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimerServiceTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final FakeTicker ticker = new FakeTicker();
    private TimerService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.stop();
        }
    }

    private TimerService start(String config, Map<String, Provider<TimerRoute>> routes) {
        ConfigErrors errors = new ConfigErrors();
        TimerConfig c = TimerConfig.read(ConfigFile.parse("t.cfg", config, errors), errors);
        assertThat(errors.messages()).isEmpty();
        service = new TimerService(c, routes, new SimpleMeterRegistry(), ticker);
        service.start();
        return service;
    }

    /** One interval for every worker: each of the {@code workers} runs once and is back in its pause. */
    private void step(int workers, int stepsDone) throws InterruptedException {
        ticker.advance(SECOND);
        ticker.awaitPauses((long) workers * (stepsDone + 2));
    }

    @Test
    void eachOfTheWorkersRunsEveryRouteOnceAnIntervalAndStopJoinsThem() throws Exception {
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        TimerRoute route = ctx -> runs.computeIfAbsent(ctx.worker() + "/" + ctx.route(), k -> new AtomicInteger())
                .incrementAndGet();
        start("""
                modparam("rtimer", "timer", "name=drain;interval=1;mode=3")
                modparam("rtimer", "exec", "timer=drain;route=A")
                modparam("rtimer", "exec", "timer=drain;route=B")
                """, Map.of("A", () -> route, "B", () -> route));
        List<Thread> threads = service.threads();
        assertThat(threads).extracting(Thread::getName)
                .containsExactly("rtimer-drain-0", "rtimer-drain-1", "rtimer-drain-2");
        ticker.awaitPauses(3);
        assertThat(runs).as("before the first interval").isEmpty();

        step(3, 0);
        step(3, 1);

        assertThat(runs.keySet()).containsExactlyInAnyOrder("0/A", "0/B", "1/A", "1/B", "2/A", "2/B");
        assertThat(runs.values()).as("runs of each worker and route after two intervals: %s", runs)
                .allSatisfy(n -> assertThat(n).hasValue(2));
        service.stop();
        assertThat(threads).noneMatch(Thread::isAlive);
        assertThat(service.threads()).isEmpty();
    }

    @Test
    void theFirstRunComesOneIntervalAfterStartAndEachNextOneIntervalAfterTheLast() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        start("""
                modparam("rtimer", "timer", "name=t;interval=1")
                modparam("rtimer", "exec", "timer=t;route=R")
                """, Map.of("R", () -> ctx -> runs.incrementAndGet()));
        ticker.awaitPauses(1);

        ticker.advance(SECOND.minusNanos(1));
        assertThat(runs).as("1 ns before the first interval").hasValue(0);
        ticker.advance(Duration.ofNanos(1));
        ticker.awaitPauses(2);
        assertThat(runs).as("after one interval").hasValue(1);

        ticker.advance(SECOND.minusNanos(1));
        assertThat(runs).as("1 ns before the second interval").hasValue(1);
        ticker.advance(Duration.ofNanos(1));
        ticker.awaitPauses(3);
        assertThat(runs).as("after two intervals").hasValue(2);
    }

    @Test
    void eachWorkersThreadLocalStatePersistsBetweenItsRuns() throws Exception {
        Map<Integer, List<String>> seenByWorker = new ConcurrentHashMap<>();
        TimerRoute counting = ctx -> {
            String previous = Vars.get("n");
            String next = Integer.toString(previous == null ? 1 : Integer.parseInt(previous) + 1);
            Vars.set("n", next);
            seenByWorker.computeIfAbsent(ctx.worker(), k -> new CopyOnWriteArrayList<>()).add(next);
        };
        start("""
                modparam("rtimer", "timer", "name=t;interval=1;mode=2")
                modparam("rtimer", "exec", "timer=t;route=COUNT")
                """, Map.of("COUNT", () -> counting));
        ticker.awaitPauses(2);
        for (int i = 0; i < 3; i++) {
            step(2, i);
        }
        service.stop();
        assertThat(seenByWorker.get(0)).containsExactly("1", "2", "3");
        assertThat(seenByWorker.get(1)).containsExactly("1", "2", "3");
    }

    @Test
    void aSlowRunDelaysOnlyItsOwnWorker() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch slowEntered = new CountDownLatch(1);
        AtomicInteger slowRuns = new AtomicInteger();
        AtomicInteger otherRuns = new AtomicInteger();
        TimerRoute route = ctx -> {
            if (ctx.worker() == 0) {
                slowRuns.incrementAndGet();
                slowEntered.countDown();
                release.await();
            } else {
                otherRuns.incrementAndGet();
            }
        };
        start("""
                modparam("rtimer", "timer", "name=t;interval=1;mode=2")
                modparam("rtimer", "exec", "timer=t;route=R")
                """, Map.of("R", () -> route));
        ticker.awaitPauses(2);
        ticker.advance(SECOND);
        assertThat(slowEntered.await(20, TimeUnit.SECONDS)).isTrue();
        ticker.awaitPauses(3); // worker 1 is back in its pause, worker 0 is stuck in its run
        ticker.advance(SECOND);
        ticker.awaitPauses(4);
        ticker.advance(SECOND);
        ticker.awaitPauses(5);
        assertThat(otherRuns).as("worker 1 ran every interval while worker 0 was stuck").hasValue(3);
        assertThat(slowRuns).hasValue(1);
        release.countDown();
    }

    @Test
    void aRouteThatAlwaysThrowsDoesNotKillTheTimer() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        TimerRoute bad = ctx -> {
            runs.incrementAndGet();
            throw new IllegalStateException("boom");
        };
        start("""
                modparam("rtimer", "timer", "name=t;interval=1")
                modparam("rtimer", "exec", "timer=t;route=BAD")
                """, Map.of("BAD", () -> bad));
        ticker.awaitPauses(1);
        for (int i = 0; i < 3; i++) {
            step(1, i);
        }
        assertThat(runs).hasValue(3);
        assertThat(service.threads()).allMatch(Thread::isAlive);
    }

    @Test
    void stopLetsTheRunInProgressFinishAndStartsNoNewRun() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean finished = new AtomicBoolean();
        TimerRoute slow = ctx -> {
            runs.incrementAndGet();
            entered.countDown();
            release.await();
            finished.set(true);
        };
        start("""
                modparam("rtimer", "timer", "name=t;interval=1")
                modparam("rtimer", "exec", "timer=t;route=SLOW")
                """, Map.of("SLOW", () -> slow));
        Thread worker = service.threads().get(0);
        ticker.awaitPauses(1);
        ticker.advance(SECOND);
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
        Thread stopper = new Thread(service::stop, "test-stopper");
        stopper.start();
        while (stopper.getState() != Thread.State.TIMED_WAITING) { // stop() is joining the worker
            assertThat(stopper.isAlive()).as("stop() returned while a run was in progress").isTrue();
            Thread.onSpinWait();
        }
        release.countDown();
        stopper.join(20_000);
        assertThat(stopper.isAlive()).isFalse();
        assertThat(worker.isAlive()).isFalse();
        assertThat(finished).as("the run finished, not interrupted").isTrue();
        assertThat(runs).hasValue(1);
    }

    @Test
    void stopInterruptsARunThatOutlastsTheStopTimeoutAndStillJoins() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        TimerRoute stuck = ctx -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        };
        start("""
                modparam("rtimer", "timer", "name=t;interval=1")
                modparam("rtimer", "exec", "timer=t;route=STUCK")
                modparam("rtimer", "stop_timeout", "50ms")
                """, Map.of("STUCK", () -> stuck));
        Thread worker = service.threads().get(0);
        ticker.awaitPauses(1);
        ticker.advance(SECOND);
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
        service.stop();
        assertThat(interrupted).isTrue();
        assertThat(worker.isAlive()).isFalse();
    }

    @Test
    void eachWorkerGetsItsOwnInstanceFromTheBinding() {
        AtomicInteger instances = new AtomicInteger();
        start("""
                modparam("rtimer", "timer", "name=t;interval=100;mode=4")
                modparam("rtimer", "exec", "timer=t;route=R")
                """, Map.of("R", () -> {
            instances.incrementAndGet();
            return ctx -> {
            };
        }));
        assertThat(instances).hasValue(4);
    }

    @Test
    void aTimerWithoutExecStartsNoThread() {
        start("modparam(\"rtimer\", \"timer\", \"name=idle;mode=2\")", Map.of());
        assertThat(service.threads()).isEmpty();
    }

    @Test
    void stopIsIdempotentAndSafeBeforeStart() {
        TimerService s = new TimerService(TimerConfig.empty(), Map.of(), new SimpleMeterRegistry());
        s.stop();
        s.stop();
        assertThat(s.threads()).isEmpty();
        assertThat(s.phase()).isEqualTo(Service.Phase.TIMERS);
        assertThat(s.name()).isEqualTo("rtimer");
    }
}
