package org.sipmq.proxy.timer;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The time the rtimer workers run on ({@link TimerModule#ticker(TimerTicker)}): how long a worker waits between runs, and the clock of the stop deadline. The
 * system's by default; a test gives its own, which moves only when the test says so, instead of waiting on real time.
 */
public interface TimerTicker {
    /** The real clock and real waits. */
    TimerTicker SYSTEM = new TimerTicker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public boolean awaitStop(CountDownLatch stopping, long nanos) throws InterruptedException {
            return stopping.await(nanos, TimeUnit.NANOSECONDS);
        }
    };

    /** A monotonic clock in nanoseconds, compared by difference only. */
    long nanoTime();

    /**
     * Waits until {@code nanos} have passed on this ticker's clock, or {@code stopping} opens.
     *
     * @return true when {@code stopping} opened (the timer is stopping), false when the time passed
     */
    boolean awaitStop(CountDownLatch stopping, long nanos) throws InterruptedException;
}
