package org.sipmq.mqueue.internal.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * At most one line a second; the events in between are counted and the next line says how many (the same rule as
 * proxy-core's sampled warnings, which are internal to that module). Lock-free: a clock read and a compare-and-set.
 */
final class SampledLog {
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Consumer<String> log;
    private final AtomicLong nextNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    SampledLog(Consumer<String> log) {
        this.log = log;
    }

    /** Logs {@code line.apply(events not logged since the last line)} unless a line was logged less than 1 s ago. */
    void offer(LongFunction<String> line) {
        long now = System.nanoTime();
        long next = nextNanos.get();
        if (now - next < 0 || !nextNanos.compareAndSet(next, now + INTERVAL_NANOS)) {
            suppressed.incrementAndGet();
            return;
        }
        log.accept(line.apply(suppressed.getAndSet(0)));
    }
}
