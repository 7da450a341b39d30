package org.sipmq.proxy.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.sipmq.proxy.timer.TimerTicker;

/**
 * A {@link TimerTicker} whose time moves only when a test calls {@link #advance}: a worker's pause ends when the test
 * has moved the clock past it (or the timer stops), never on its own. Like proxy-core's {@code FakeClock}, it starts 10 s before the
 * long wraps, so that deadlines must be compared by difference.
 */
public final class FakeTicker implements TimerTicker {
    private static final long WAIT_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private long nanos = Long.MAX_VALUE - 10_000_000_000L;
    private int waiting;
    private long pausesEntered;

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public boolean awaitStop(CountDownLatch stopping, long delay) throws InterruptedException {
        synchronized (this) {
            long deadline = nanos + delay;
            waiting++;
            pausesEntered++;
            notifyAll();
            try {
                while (deadline - nanos > 0) {
                    if (stopping.getCount() == 0) {
                        return true;
                    }
                    wait(10); // real time only to see the latch open: the fake clock alone decides when a pause ends
                }
            } finally {
                waiting--;
                notifyAll();
            }
        }
        return stopping.getCount() == 0;
    }

    /** Moves the clock on, ending every pause that is over by then. */
    public synchronized void advance(Duration by) {
        nanos += by.toNanos();
        notifyAll();
    }

    /**
     * Waits (bounded: 20 s of real time) until {@code pauses} pauses in all have begun on this ticker and every worker
     * that began one is in it: with {@code n} workers, {@code n} after start, {@code 2n} once each has run once.
     *
     * @throws AssertionError naming how many had begun when the bound ran out
     */
    public synchronized void awaitPauses(long pauses) throws InterruptedException {
        long end = System.nanoTime() + WAIT_LIMIT_NANOS;
        while (pausesEntered < pauses) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(pausesEntered + " pauses begun after 20 s (expected: " + pauses + ")");
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    /** Pauses begun so far. */
    public synchronized long pausesBegun() {
        return pausesEntered;
    }
}
