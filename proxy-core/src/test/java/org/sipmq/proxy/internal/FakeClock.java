package org.sipmq.proxy.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** A nano clock for {@link SipTimers} that moves only when a test says so. */
final class FakeClock implements LongSupplier {
    // 10 s before the long wraps, as System.nanoTime() may: the timers must compare deadlines by difference
    private long nanos = Long.MAX_VALUE - 10_000_000_000L;
    private final long origin = nanos;

    @Override
    public long getAsLong() {
        return nanos;
    }

    /** Milliseconds since the clock was made. */
    long millis() {
        return TimeUnit.NANOSECONDS.toMillis(nanos - origin);
    }

    void advance(long millis) {
        nanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /**
     * Lets {@code millis} pass as the sweeping thread would see them: one sweep each {@link SipTimers#TICK_MILLIS}, so
     * that a timer started by a timer starts at the right time.
     */
    void run(SipTimers timers, long millis) {
        for (long left = millis; left > 0; left -= SipTimers.TICK_MILLIS) {
            advance(Math.min(left, SipTimers.TICK_MILLIS));
            timers.sweep();
        }
    }

    /** Runs until {@link #millis()} is {@code atMillis}. */
    void runTo(SipTimers timers, long atMillis) {
        run(timers, atMillis - millis());
    }
}
