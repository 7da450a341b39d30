package org.sipmq.proxy.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * At most one line per second: an event offered within a second of the last line logged is counted instead, and the
 * next line says how many were. Thread-safe and lock-free; an event costs a clock read and a compare-and-set.
 */
final class SampledWarn {
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LongSupplier nanoTime;
    private final Consumer<String> warn;
    private final AtomicLong nextNanos;
    private final AtomicLong suppressed = new AtomicLong();

    /** {@code nanoTime} with {@link System#nanoTime} semantics; {@code warn} writes a line. */
    SampledWarn(LongSupplier nanoTime, Consumer<String> warn) {
        this.nanoTime = nanoTime;
        this.warn = warn;
        this.nextNanos = new AtomicLong(nanoTime.getAsLong());
    }

    /** Logs {@code line.apply(events not logged since the last line)} unless a line was logged less than 1 s ago. */
    void offer(LongFunction<String> line) {
        long now = nanoTime.getAsLong();
        long next = nextNanos.get();
        if (now - next < 0 || !nextNanos.compareAndSet(next, now + INTERVAL_NANOS)) {
            suppressed.incrementAndGet();
            return;
        }
        warn.accept(line.apply(suppressed.getAndSet(0)));
    }
}
