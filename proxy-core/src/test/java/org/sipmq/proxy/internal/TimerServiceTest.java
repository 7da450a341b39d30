package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.inject.Provider;
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
import org.sipmq.proxy.ConfigErrors;
import org.sipmq.proxy.ConfigFile;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.TimerConfig;
import org.sipmq.proxy.TimerRoute;
import org.sipmq.proxy.Vars;

/** Real threads, with a 1 ms interval; every wait is bounded by the class timeout and by latches, never by sleeps. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimerServiceTest {
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
        service = new TimerService(c, routes, new SimpleMeterRegistry());
        service.start();
        return service;
    }

    @Test
    void eachOfTheWorkersRunsEveryRouteAndStopJoinsThem() throws Exception {
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        CountDownLatch everyPairTwice = new CountDownLatch(3 * 2);
        TimerRoute route = ctx -> {
            if (runs.computeIfAbsent(ctx.worker() + "/" + ctx.route(), k -> new AtomicInteger())
                    .incrementAndGet() == 2) {
                everyPairTwice.countDown();
            }
        };
        start("""
                modparam("rtimer", "timer", "name=drain;interval=1000u;mode=3")
                modparam("rtimer", "exec", "timer=drain;route=A")
                modparam("rtimer", "exec", "timer=drain;route=B")
                """, Map.of("A", () -> route, "B", () -> route));
        List<Thread> threads = service.threads();
        assertThat(threads).extracting(Thread::getName)
                .containsExactly("rtimer-drain-0", "rtimer-drain-1", "rtimer-drain-2");
        assertThat(everyPairTwice.await(20, TimeUnit.SECONDS)).as("every worker ran every route twice: " + runs)
                .isTrue();
        service.stop();
        assertThat(threads).noneMatch(Thread::isAlive);
        assertThat(service.threads()).isEmpty();
        assertThat(runs.keySet()).containsExactlyInAnyOrder("0/A", "0/B", "1/A", "1/B", "2/A", "2/B");
    }

    @Test
    void eachWorkersThreadLocalStatePersistsBetweenItsRuns() throws Exception {
        Map<Integer, List<String>> seenByWorker = new ConcurrentHashMap<>();
        CountDownLatch threeRunsEach = new CountDownLatch(2);
        TimerRoute counting = ctx -> {
            String previous = Vars.get("n");
            String next = Integer.toString(previous == null ? 1 : Integer.parseInt(previous) + 1);
            Vars.set("n", next);
            List<String> seen = seenByWorker.computeIfAbsent(ctx.worker(), k -> new CopyOnWriteArrayList<>());
            seen.add(next);
            if (seen.size() == 3) {
                threeRunsEach.countDown();
            }
        };
        start("""
                modparam("rtimer", "timer", "name=t;interval=1000u;mode=2")
                modparam("rtimer", "exec", "timer=t;route=COUNT")
                """, Map.of("COUNT", () -> counting));
        assertThat(threeRunsEach.await(20, TimeUnit.SECONDS)).isTrue();
        service.stop();
        assertThat(seenByWorker.get(0)).startsWith("1", "2", "3");
        assertThat(seenByWorker.get(1)).startsWith("1", "2", "3");
    }

    @Test
    void aSlowRunDelaysOnlyItsOwnWorker() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch slowEntered = new CountDownLatch(1);
        CountDownLatch otherRanThrice = new CountDownLatch(3);
        AtomicInteger slowRuns = new AtomicInteger();
        TimerRoute route = ctx -> {
            if (ctx.worker() == 0) {
                slowRuns.incrementAndGet();
                slowEntered.countDown();
                release.await();
            } else {
                otherRanThrice.countDown();
            }
        };
        start("""
                modparam("rtimer", "timer", "name=t;interval=1000u;mode=2")
                modparam("rtimer", "exec", "timer=t;route=R")
                """, Map.of("R", () -> route));
        assertThat(slowEntered.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(otherRanThrice.await(20, TimeUnit.SECONDS)).as("worker 1 ran while worker 0 was stuck").isTrue();
        assertThat(slowRuns).hasValue(1);
        release.countDown();
    }

    @Test
    void aRouteThatAlwaysThrowsDoesNotKillTheTimer() throws Exception {
        CountDownLatch threeRuns = new CountDownLatch(3);
        TimerRoute bad = ctx -> {
            threeRuns.countDown();
            throw new IllegalStateException("boom");
        };
        start("""
                modparam("rtimer", "timer", "name=t;interval=1000u")
                modparam("rtimer", "exec", "timer=t;route=BAD")
                """, Map.of("BAD", () -> bad));
        assertThat(threeRuns.await(20, TimeUnit.SECONDS)).isTrue();
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
                modparam("rtimer", "timer", "name=t;interval=1000u")
                modparam("rtimer", "exec", "timer=t;route=SLOW")
                """, Map.of("SLOW", () -> slow));
        Thread worker = service.threads().get(0);
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
                modparam("rtimer", "timer", "name=t;interval=1000u")
                modparam("rtimer", "exec", "timer=t;route=STUCK")
                modparam("rtimer", "stop_timeout", "50ms")
                """, Map.of("STUCK", () -> stuck));
        Thread worker = service.threads().get(0);
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
