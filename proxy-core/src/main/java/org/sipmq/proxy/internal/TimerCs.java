package org.sipmq.proxy.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Timer C of the INVITE branches (RFC 3261 16.8, {@code sip.timer_c}): a set of deadlines swept periodically, instead
 * of a scheduled task per branch. Starting one is an add to a concurrent set and stopping it (the final response, or a
 * provisional that restarts it) a remove: no thread is woken, where a cancellable scheduler woke its thread for every
 * call whose timer was the earliest. The set holds only branches still waiting for a final response, so a sweep is
 * short; its period is a tenth of the timer (between 100 ms and 1 s), well within what RFC 3261 asks of a 3-minute
 * timer.
 */
final class TimerCs {
    /** A started Timer C, until it fires or is cancelled. */
    interface Handle {
        /** Stops the timer; it will not fire (safe to call more than once, and after it fired). */
        void cancel();
    }

    private final Set<Entry> live = ConcurrentHashMap.newKeySet();
    private final long durationNanos;
    private final LongSupplier clock;

    TimerCs(long durationMillis, LongSupplier nanoClock) {
        this.durationNanos = TimeUnit.MILLISECONDS.toNanos(durationMillis);
        this.clock = nanoClock;
    }

    /** How often {@link #sweep} should run for timers of this length. */
    static long sweepPeriodMillis(long durationMillis) {
        return Math.max(100, Math.min(1_000, durationMillis / 10));
    }

    /** Starts a timer for the call {@code callId}; {@link #sweep} hands {@code onExpiry} on once it is due. */
    Handle start(String callId, Runnable onExpiry) {
        Entry e = new Entry(clock.getAsLong() + durationNanos, callId, onExpiry);
        live.add(e);
        return e;
    }

    /** Removes every timer that is due at {@code now} and gives it to {@code fire} (call-ID, expiry). */
    void sweep(long now, BiConsumer<String, Runnable> fire) {
        for (Entry e : live) {
            if (now - e.deadline >= 0 && live.remove(e)) {
                fire.accept(e.callId, e.onExpiry);
            }
        }
    }

    /** Timers running. */
    int size() {
        return live.size();
    }

    private final class Entry implements Handle {
        final long deadline;
        final String callId;
        final Runnable onExpiry;

        Entry(long deadline, String callId, Runnable onExpiry) {
            this.deadline = deadline;
            this.callId = callId;
            this.onExpiry = onExpiry;
        }

        @Override
        public void cancel() {
            live.remove(this);
        }
    }
}
