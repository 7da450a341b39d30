package org.sipmq.mqueue.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One add then one fetch per operation, on a queue shared by all benchmark threads (the subclasses choose 1, 2 or 4).
 * Each thread uses its own 1,024 keys, so that addmode 1 never ignores another thread's key.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public abstract class AddFetchBench {
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"addmode0", "addmode0-noclock", "addmode1", "addmode2", "kemi-addmode2", "ArrayBlockingQueue",
                "ConcurrentLinkedQueue"})
        public String impl;

        BenchQueues queue;

        @Setup
        public void setUp() {
            queue = BenchQueues.of(impl, 1 << 20);
        }
    }

    @State(Scope.Thread)
    public static class PerThread {
        private static final AtomicInteger THREADS = new AtomicInteger();

        String[] keys = new String[1024];
        String[] values = new String[1024];
        int next;

        @Setup
        public void setUp() {
            int id = THREADS.incrementAndGet();
            for (int i = 0; i < keys.length; i++) {
                keys[i] = BenchQueues.key(id, i);
                values[i] = BenchQueues.value(i);
            }
        }
    }

    @Benchmark
    public Object addFetch(Shared shared, PerThread mine) {
        int i = mine.next++ & 1023;
        shared.queue.add(mine.keys[i], mine.values[i]);
        return shared.queue.take();
    }
}
