package org.sipmq.proxy.internal.timer;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.timer.TimerConfig;
import org.sipmq.proxy.timer.TimerDefinition;
import org.sipmq.proxy.timer.TimerRoute;
import org.sipmq.proxy.timer.TimerTicker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the timers: {@code mode} dedicated threads per timer, named {@code rtimer-<timer>-<i>}. Stops after the SIP
 * transport and before the queues are saved ({@link Service.Phase#TIMERS}): no run starts after {@link #stop()} is
 * called, runs in progress get {@link TimerConfig#stopTimeout()} to finish, then are interrupted, and the threads are
 * joined.
 */
@Singleton
public final class TimerService implements Service {
    private static final Logger log = LoggerFactory.getLogger(TimerService.class);
    /** After the stop timeout, how long interrupted workers get to leave. */
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(1);

    private final TimerConfig config;
    private final Map<String, Provider<TimerRoute>> routes;
    private final MeterRegistry registry;
    private final TimerTicker ticker;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private boolean started;

    /** On the system's clock. */
    public TimerService(TimerConfig config, Map<String, Provider<TimerRoute>> routes, MeterRegistry registry) {
        this(config, routes, registry, TimerTicker.SYSTEM);
    }

    /** On {@code ticker}'s clock ({@code TimerModule.ticker}): a test's steps the workers by hand. */
    @Inject
    public TimerService(TimerConfig config, Map<String, Provider<TimerRoute>> routes, MeterRegistry registry,
            TimerTicker ticker) {
        this.config = config;
        this.routes = Map.copyOf(routes);
        this.registry = registry;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    @Override
    public String name() {
        return "rtimer";
    }

    @Override
    public Phase phase() {
        return Phase.TIMERS;
    }

    @Override
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("rtimer already started");
        }
        started = true;
        for (TimerDefinition t : config.timers()) {
            List<String> names = config.routes(t.name());
            if (names.isEmpty()) {
                log.warn("rtimer '{}' has no exec: no worker started for it", t.name());
                continue;
            }
            for (int i = 0; i < t.workers(); i++) {
                Map<String, TimerRoute> instances = new LinkedHashMap<>();
                for (String name : names) {
                    Provider<TimerRoute> p = routes.get(name);
                    if (p == null) { // the ConfigCheck reports this before start; only embedded use gets here
                        throw new IllegalStateException("rtimer '" + t.name() + "': route '" + name
                                + "' is not bound (bound: " + String.join(", ", routes.keySet()) + ")");
                    }
                    instances.put(name, p.get());
                }
                TimerWorker worker = new TimerWorker(t, i, instances, this::pause, registry);
                Thread thread = new Thread(worker, worker.threadName());
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            log.info("rtimer '{}' started: {} worker(s) every {} running {}", t.name(), t.workers(),
                    t.interval(), names);
        }
    }

    private boolean pause(Duration delay) throws InterruptedException {
        return !ticker.awaitStop(stopping, delay.toNanos());
    }

    /** The worker threads, while started. */
    public synchronized List<Thread> threads() {
        return List.copyOf(threads);
    }

    @Override
    public synchronized void stop() {
        stopping.countDown();
        if (threads.isEmpty()) {
            return;
        }
        long deadline = ticker.nanoTime() + config.stopTimeout().toNanos();
        boolean interrupted = false;
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - ticker.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        List<Thread> stuck = new ArrayList<>();
        for (Thread t : threads) {
            if (t.isAlive()) {
                stuck.add(t);
                t.interrupt();
            }
        }
        if (!stuck.isEmpty()) {
            log.warn("rtimer: runs still in progress after {} on {}: interrupted", config.stopTimeout(),
                    names(stuck));
            for (Thread t : stuck) {
                try {
                    t.join(INTERRUPT_GRACE.toMillis());
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            stuck.removeIf(t -> !t.isAlive());
            if (!stuck.isEmpty()) {
                log.error("rtimer: {} did not stop; abandoning them (daemon threads)", names(stuck));
            }
        }
        threads.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        log.info("rtimer stopped");
    }

    private static String names(List<Thread> threads) {
        List<String> names = new ArrayList<>();
        for (Thread t : threads) {
            names.add(t.getName());
        }
        return String.join(", ", names);
    }
}
