package org.sipmq.proxy.internal.timer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sipmq.proxy.pv.PvException;
import org.sipmq.proxy.pv.PvProvider;
import org.sipmq.proxy.timer.TimerContext;
import org.sipmq.proxy.timer.TimerDefinition;
import org.sipmq.proxy.timer.TimerRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of a timer: waits one interval, runs every route of the timer in order, and again, with a fixed delay,
 * until its {@link Pause} says stop. Owns nothing: its thread belongs to {@link TimerService}. A route that throws is
 * logged and counted, and the next route and the next run go on.
 */
public final class TimerWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(TimerWorker.class);
    private static final ThreadLocal<TimerWorker> CURRENT = new ThreadLocal<>();

    /** {@code $rtimer_worker}: the calling timer worker's index, null on any other thread. */
    public static final PvProvider WORKER_PV = new PvProvider() {
        @Override
        public String get(String argument) {
            TimerWorker w = CURRENT.get();
            return w == null ? null : Integer.toString(w.index);
        }

        @Override
        public void check(String argument) {
            if (argument != null) {
                throw new PvException("$rtimer_worker takes no argument, got '$rtimer_worker(" + argument + ")'");
            }
        }
    };

    /** How a worker waits between runs; a test steps a worker with its own. */
    public interface Pause {
        /**
         * Waits {@code delay} before the next run.
         *
         * @return true to run again, false when the timer is stopping
         */
        boolean await(Duration delay) throws InterruptedException;
    }

    private record Step(String name, TimerRoute route, TimerContext context, Timer runTime, Counter failures) {
    }

    private final TimerDefinition timer;
    private final int index;
    private final Pause pause;
    private final List<Step> steps;
    private final Timer runTime;

    /**
     * @param routes the timer's routes by name, in the order they run, each instance this worker's own
     */
    public TimerWorker(TimerDefinition timer, int index, Map<String, TimerRoute> routes, Pause pause,
            MeterRegistry registry) {
        this.timer = timer;
        this.index = index;
        this.pause = pause;
        List<Step> steps = new ArrayList<>();
        for (Map.Entry<String, TimerRoute> r : routes.entrySet()) {
            steps.add(new Step(r.getKey(), r.getValue(),
                    new TimerContext(timer.name(), index, timer.workers(), r.getKey()),
                    Timer.builder("sipmq.rtimer.route.runs")
                            .description("Runs of one timer route and their duration")
                            .tag("timer", timer.name())
                            .tag("route", r.getKey())
                            .register(registry),
                    Counter.builder("sipmq.rtimer.failures")
                            .description("Timer route runs that threw")
                            .tag("timer", timer.name())
                            .tag("route", r.getKey())
                            .register(registry)));
        }
        this.steps = List.copyOf(steps);
        this.runTime = Timer.builder("sipmq.rtimer.runs")
                .description("Runs of a timer worker (all its routes) and their duration")
                .tag("timer", timer.name())
                .register(registry);
    }

    /** The thread's name: {@code rtimer-<timer>-<index>}. */
    public String threadName() {
        return "rtimer-" + timer.name() + "-" + index;
    }

    @Override
    public void run() {
        CURRENT.set(this);
        log.debug("rtimer '{}' worker {} started", timer.name(), index);
        try {
            while (pause.await(timer.interval())) {
                runOnce();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            CURRENT.remove();
            log.debug("rtimer '{}' worker {} stopped", timer.name(), index);
        }
    }

    /** Runs every route once, in order, on the calling thread, as {@link #run()} does each interval. */
    public void runOnce() {
        TimerWorker previous = CURRENT.get();
        CURRENT.set(this);
        Timer.Sample whole = Timer.start();
        try {
            for (Step s : steps) {
                Timer.Sample sample = Timer.start();
                try {
                    s.route().run(s.context());
                } catch (Throwable e) { // NOPMD: the schedule must never die of one run
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt(); // stop() gave up waiting: leave at the next pause
                    }
                    s.failures().increment();
                    log.error("rtimer '{}' worker {} route '{}' failed; the timer goes on", timer.name(), index,
                            s.name(), e);
                } finally {
                    sample.stop(s.runTime());
                }
            }
        } finally {
            whole.stop(runTime);
            CURRENT.set(previous);
        }
    }
}
