package org.sipmq.mqueue.bench;

import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Addmode 2 replacing a queued key (the old item is removed from its place, the new one appended at the tail) in a
 * queue of {@code queued} items, keys picked in a scattered order. Kamailio finds the key by scanning: O(n).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Threads(1)
@State(Scope.Thread)
public class LongQueueReplaceBench {
    @Param({"1000", "100000", "1000000"})
    public int queued;

    private BenchQueues queue;
    private String[] keys;
    private String[] values;
    private int next;

    @Setup
    public void setUp() {
        queue = BenchQueues.of("addmode2", 0);
        keys = new String[queued];
        values = new String[1024];
        for (int i = 0; i < values.length; i++) {
            values[i] = BenchQueues.value(i);
        }
        for (int i = 0; i < queued; i++) {
            keys[i] = BenchQueues.key(0, i);
            queue.add(keys[i], values[i & 1023]);
        }
    }

    @Benchmark
    public void replaceQueuedKey() {
        // 7919 is prime and coprime with every queued count used, so the walk visits every key.
        next = (next + 7919) % queued;
        queue.add(keys[next], values[next & 1023]);
    }
}
