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
 * An add of a key not queued, then a fetch of the oldest, with the queue held at {@code queued} items. Kamailio scans
 * the queue for the key on every add in addmode 2, so its cost grows with the length; ours must not. The FIFO queues
 * (addmode 0, {@link java.util.concurrent.ConcurrentLinkedQueue}) show what the same access pattern costs with no key
 * index at all; the bare {@link java.util.LinkedHashMap} what the hash index alone costs at that length, where every
 * operation touches memory that is no longer in the CPU caches.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Threads(1)
@State(Scope.Thread)
public class LongQueueAddBench {
    @Param({"addmode2", "LinkedHashMap", "addmode0", "ConcurrentLinkedQueue"})
    public String impl;

    @Param({"0", "100000", "1000000"})
    public int queued;

    private BenchQueues queue;
    private String[] keys;
    private String[] values;
    private int next;

    @Setup
    public void setUp() {
        queue = BenchQueues.of(impl, 0);
        // More keys than queued items: the key added now left the queue long ago, so it is always new.
        keys = new String[queued + 1024];
        values = new String[1024];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = BenchQueues.key(0, i);
        }
        for (int i = 0; i < values.length; i++) {
            values[i] = BenchQueues.value(i);
        }
        for (next = 0; next < queued; next++) {
            queue.add(keys[next], values[next & 1023]);
        }
    }

    @Benchmark
    public Object addNewKeyThenFetch() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        queue.add(keys[i], values[i & 1023]);
        return queue.take();
    }
}
