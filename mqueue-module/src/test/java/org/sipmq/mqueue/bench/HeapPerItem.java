package org.sipmq.mqueue.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Heap bytes per queued item (32-byte key, 200-byte value), for our queue in each addmode and the JDK baselines: fills
 * a queue with 1,000,000 items and compares the used heap after a full GC. Prints the strings' own cost and the
 * queue's cost on top of it. Not a JMH benchmark (retained heap is not a rate); run by the same {@code -Pjmh} build.
 */
public final class HeapPerItem {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private HeapPerItem() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        System.out.printf(Locale.ROOT, "Heap per queued item, %,d items, 32-byte key, 200-byte value (%s %s)%n", n,
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "%-22s %12s %12s %12s%n", "queue", "strings B", "queue B", "total B");
        for (String impl : new String[]{"addmode0", "addmode1", "addmode2", "ArrayBlockingQueue",
                "ConcurrentLinkedQueue"}) {
            measure(impl, n);
        }
    }

    private static void measure(String impl, int n) {
        long base = usedAfterGc();
        String[] keys = new String[n];
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = BenchQueues.key(0, i);
            values[i] = BenchQueues.value(i);
        }
        // The two arrays hold 2 references an item: not part of any queue's cost.
        double strings = (usedAfterGc() - base) / (double) n - 2.0 * refBytes();
        long before = usedAfterGc();
        BenchQueues queue = BenchQueues.of(impl, n);
        for (int i = 0; i < n; i++) {
            queue.add(keys[i], values[i]);
        }
        double perItem = (usedAfterGc() - before) / (double) n;
        System.out.printf(Locale.ROOT, "%-22s %12.1f %12.1f %12.1f%n", impl, strings, perItem, strings + perItem);
        if (queue.take() == null || keys[n - 1] == null || values[n - 1] == null) {
            throw new AssertionError("queue or strings collected early");
        }
    }

    /** Compressed references (heaps under 32 GB) take 4 bytes, otherwise 8. */
    private static int refBytes() {
        return Runtime.getRuntime().maxMemory() < (32L << 30) ? 4 : 8;
    }

    private static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
