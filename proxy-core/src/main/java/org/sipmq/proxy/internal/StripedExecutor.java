package org.sipmq.proxy.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's worker threads: one single-threaded executor per stripe, a call always on the same stripe (by Call-ID),
 * so that the messages of one call are handled in the order the stack delivered them and a 200 cannot overtake its
 * 180, while different calls run in parallel. Queues are bounded; a task that does not fit is dropped and logged (a
 * UDP peer retransmits; the overload valve keeps the load below that point).
 */
final class StripedExecutor {
    private static final Logger log = LoggerFactory.getLogger(StripedExecutor.class);

    private final List<ThreadPoolExecutor> stripes = new ArrayList<>();

    StripedExecutor(String name, int count, int queueCapacity) {
        for (int i = 0; i < count; i++) {
            String threadName = name + "-" + i;
            ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(queueCapacity), r -> {
                        Thread t = new Thread(r, threadName);
                        t.setDaemon(true);
                        return t;
                    });
            stripes.add(e);
        }
    }

    /** Runs {@code task} on the stripe of {@code key}; returns false when that stripe is full or stopped. */
    boolean execute(String key, Runnable task) {
        int i = Math.floorMod(key == null ? 0 : key.hashCode(), stripes.size());
        try {
            stripes.get(i).execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    log.error("SIP worker task failed", e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            log.warn("SIP worker {} is full or stopped: message dropped", i);
            return false;
        }
    }

    /** Stops every stripe, waiting up to {@code timeoutMillis} for the queued tasks. */
    void shutdown(long timeoutMillis) {
        stripes.forEach(ThreadPoolExecutor::shutdown);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (ThreadPoolExecutor e : stripes) {
            try {
                if (!e.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    e.shutdownNow();
                }
            } catch (InterruptedException ie) {
                e.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
