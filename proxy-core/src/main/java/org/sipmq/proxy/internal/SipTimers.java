package org.sipmq.proxy.internal;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's transaction timers (RFC 3261 17: A, B, D, E, F, G, H, I, J, K, and 16.8's Timer C). Every SIP timer has
 * one of a few fixed durations (T1 doubled up to T2, 64*T1, T4, 32 s, Timer C), so each duration keeps a plain FIFO
 * queue: an entry goes at the tail and the queue is in deadline order by construction. Starting a timer is one
 * append, and a timer that is no longer wanted is not cancelled: its task sees, when it comes due, that its
 * transaction has moved on ({@link Task#due()} false) and does nothing. One thread sweeps the heads of the queues
 * every {@link #TICK_MILLIS}; a due task runs on it, so it must be short and must hand real work to the call's
 * worker. This replaces the stack's periodic timer task per transaction, which ticked every T1 for as long as the
 * transaction lived (64 ticks for a 32 s linger).
 */
final class SipTimers {
    private static final Logger log = LoggerFactory.getLogger(SipTimers.class);
    /** How often the queues are swept: the resolution of every timer. */
    static final long TICK_MILLIS = 10;

    /** A timer's action. */
    interface Task {
        /** Read on the sweeping thread when the deadline passes: false when the timer has become moot. */
        boolean due();

        /** Runs on the sweeping thread when {@link #due()} was true. */
        void fire();
    }

    private record Entry(long deadline, Task task) {
    }

    private final Map<Long, Queue<Entry>> queues = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final ScheduledThreadPoolExecutor sweeper;
    private volatile ScheduledFuture<?> sweep;

    /** Timers on the system clock, swept by a daemon thread of this name once {@link #start()} is called. */
    SipTimers(String threadName) {
        this(threadName, System::nanoTime);
    }

    SipTimers(String threadName, LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.sweeper = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        sweep = sweeper.scheduleWithFixedDelay(this::sweep, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The timers' clock, in nanoseconds. */
    long now() {
        return clock.getAsLong();
    }

    /** Runs {@code task} on the timer thread every {@code periodMillis} (housekeeping). */
    void every(long periodMillis, Runnable task) {
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("SIP housekeeping task failed", e); // this run, never the schedule
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} once {@code delayMillis} have passed (to within a tick), unless it is moot by then. */
    void schedule(long delayMillis, Task task) {
        queues.computeIfAbsent(delayMillis, d -> new ConcurrentLinkedQueue<>()).add(new Entry(clock.getAsLong()
                + TimeUnit.MILLISECONDS.toNanos(delayMillis), task));
    }

    /** Fires every due task; the sweeping thread calls it each tick, tests call it with their own clock. */
    void sweep() {
        long now = clock.getAsLong();
        for (Queue<Entry> q : queues.values()) {
            Entry e;
            while ((e = q.peek()) != null && e.deadline - now <= 0) {
                q.poll();
                try {
                    if (e.task.due()) {
                        e.task.fire();
                    }
                } catch (RuntimeException | Error ex) {
                    // one task, never the schedule: a sweep that throws ends the sweeper's fixed-delay schedule
                    log.error("SIP timer task failed", ex);
                }
            }
        }
    }

    /** Timers still queued, moot ones included (they leave their queue when their deadline passes). */
    int queued() {
        int n = 0;
        for (Queue<Entry> q : queues.values()) {
            n += q.size();
        }
        return n;
    }

    void stop() {
        ScheduledFuture<?> s = sweep;
        if (s != null) {
            s.cancel(false);
        }
        sweeper.shutdownNow();
    }
}
