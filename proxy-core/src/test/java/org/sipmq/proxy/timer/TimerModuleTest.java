package org.sipmq.proxy.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Module;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sipmq.proxy.Lifecycle;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.config.ConfigException;
import org.sipmq.proxy.pv.PvEngine;
import org.sipmq.proxy.testing.FakeTicker;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimerModuleTest {
    private Sipmq app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private static Module routes(Map<String, TimerRoute> routes) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                routes.forEach((name, route) -> TimerRoutes.bind(binder(), name).toInstance(route));
            }
        };
    }

    @Test
    void execOfAnUnboundRouteIsReportedWithTheOtherErrorsBeforeAnythingStarts() {
        assertThatThrownBy(() -> Sipmq.configure("p.cfg", """
                modparam("rtimer", "timer", "name=t1;interval=1")
                modparam("rtimer", "timer", "name=t2;interval=soon")
                modparam("rtimer", "exec", "timer=t1;route=ACC_DRAN")
                """, new TimerModule(), routes(Map.of("ACC_DRAIN", ctx -> {
        }))))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).errors()).containsExactly(
                        "p.cfg:2: modparam(\"rtimer\", \"timer\"): \"name=t2;interval=soon\": interval: 'soon'"
                                + " (expected: a whole number > 0 of seconds, or with a unit: 2s, 500ms, 250000u;"
                                + " at most 365 days)",
                        "p.cfg:3: modparam(\"rtimer\", \"exec\"): \"timer=t1;route=ACC_DRAN\": route: 'ACC_DRAN'"
                                + " is not bound (bound timer routes: ACC_DRAIN; bind it with"
                                + " TimerRoutes.bind(binder(), \"ACC_DRAN\"))"))
                .hasMessageContaining("2 errors");
    }

    @Test
    void withoutTimersTheModuleBindsAnIdleServiceAndTheWorkerPseudoVariable() {
        app = Sipmq.configure("p.cfg", "", new TimerModule());
        assertThat(app.injector().getInstance(PvEngine.class).has("rtimer_worker")).isTrue();
        assertThat(app.injector().getInstance(Lifecycle.class).services())
                .extracting(Service::name, Service::phase)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("rtimer", Service.Phase.TIMERS));
        app.start();
    }

    @Test
    void installedWithoutItsConfigurationIsABindingErrorSayingWhy() {
        assertThatThrownBy(() -> Sipmq.configure("p.cfg", "", new AbstractModule() {
            @Override
            protected void configure() {
                install(new TimerModule());
            }
        })).isInstanceOf(CreationException.class).hasMessageContaining("pass the module to Sipmq.configure");
    }

    /** Shared by the workers; the instance per worker is the route's. */
    @Singleton
    static final class Seen {
        final Set<PerWorkerRoute> instances = ConcurrentHashMap.newKeySet();
    }

    static final class PerWorkerRoute implements TimerRoute {
        @Inject
        PerWorkerRoute(Seen seen) {
            seen.instances.add(this);
        }

        @Override
        public void run(TimerContext ctx) {
        }
    }

    @Test
    void routesBoundToAClassGetOneInstancePerWorker() {
        app = Sipmq.configure("p.cfg", """
                modparam("rtimer", "timer", "name=t;interval=100;mode=3")
                modparam("rtimer", "exec", "timer=t;route=R")
                """, new TimerModule(), new AbstractModule() {
            @Override
            protected void configure() {
                TimerRoutes.bind(binder(), "R").to(PerWorkerRoute.class);
            }
        });
        app.start();
        assertThat(app.injector().getInstance(Seen.class).instances).hasSize(3);
    }

    @Test
    void severalWorkersDrainASharedQueueEachItemExactlyOnce() throws Exception {
        int items = 20_000;
        Queue<Integer> queue = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicInteger> taken = new ConcurrentHashMap<>();
        Map<Integer, AtomicInteger> byWorker = new ConcurrentHashMap<>();
        CountDownLatch allTaken = new CountDownLatch(items);
        TimerRoute drain = ctx -> {
            Integer item;
            while ((item = queue.poll()) != null) {
                if (taken.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet() == 1) {
                    allTaken.countDown();
                }
                byWorker.computeIfAbsent(ctx.worker(), k -> new AtomicInteger()).incrementAndGet();
            }
        };
        app = Sipmq.configure("p.cfg", """
                modparam("rtimer", "timer", "name=acc;interval=500u;mode=4")
                modparam("rtimer", "exec", "timer=acc;route=ACC_DRAIN")
                """, new TimerModule(), routes(Map.of("ACC_DRAIN", drain)));
        app.start();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < items; i++) {
                queue.add(i);
                if (i % 100 == 0) {
                    Thread.yield(); // let the workers drain while items still arrive
                }
            }
        }, "test-producer");
        producer.start();
        producer.join(30_000);
        assertThat(allTaken.await(30, TimeUnit.SECONDS)).as("all items drained").isTrue();
        app.stop();

        List<Integer> twice = new ArrayList<>();
        taken.forEach((item, n) -> {
            if (n.get() != 1) {
                twice.add(item);
            }
        });
        assertThat(twice).as("items taken more than once").isEmpty();
        assertThat(taken).hasSize(items);
        assertThat(queue).isEmpty();
        assertThat(byWorker.keySet()).allMatch(w -> w >= 0 && w < 4);
        assertThat(byWorker.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(items);
        MeterRegistry meters = app.injector().getInstance(MeterRegistry.class);
        assertThat(meters.get("sipmq.rtimer.runs").tag("timer", "acc").timer().count()).isPositive();
        assertThat(meters.get("sipmq.rtimer.route.runs").tags("timer", "acc", "route", "ACC_DRAIN").timer().count())
                .isPositive();
        assertThat(meters.get("sipmq.rtimer.failures").tags("timer", "acc", "route", "ACC_DRAIN").counter().count())
                .isZero();
    }

    @Test
    void theTickerGivenToTheModuleDrivesTheWorkers() throws Exception {
        FakeTicker ticker = new FakeTicker();
        AtomicInteger runs = new AtomicInteger();
        app = Sipmq.configure("p.cfg", """
                modparam("rtimer", "timer", "name=t;interval=10;mode=2")
                modparam("rtimer", "exec", "timer=t;route=R")
                """, new TimerModule().ticker(ticker), routes(Map.of("R", ctx -> runs.incrementAndGet())));
        app.start();
        ticker.awaitPauses(2);
        assertThat(runs).as("before the first interval").hasValue(0);

        ticker.advance(Duration.ofSeconds(10));
        ticker.awaitPauses(4);

        assertThat(runs).as("each of the two workers ran once").hasValue(2);
    }
}
