package org.sipmq.proxy.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's worker threads: one single-threaded executor per stripe, a call always on the same stripe (by Call-ID),
 * so that the messages of one call are handled in the order the stack delivered them and a 200 cannot overtake its
 * 180, while different calls run in parallel. New work ({@link #execute}) is bounded per stripe: a task that does not
 * fit is refused, and the caller answers or drops it. Follow-ups of work already accepted ({@link #followUp}: a CANCEL,
 * a response, a timeout, a terminated transaction) are never refused for capacity, because the stack absorbs the
 * retransmissions that would otherwise redeliver them; they are bounded by the accepted work, which the overload
 * valve bounds.
 */
final class StripedExecutor {
    private static final Logger log = LoggerFactory.getLogger(StripedExecutor.class);

    private final List<ThreadPoolExecutor> stripes = new ArrayList<>();
    private final List<AtomicInteger> queuedNew = new ArrayList<>();
    private final int queueCapacity;
    private final SampledWarn full = new SampledWarn(System::nanoTime, log::warn);

    StripedExecutor(String name, int count, int queueCapacity) {
        this.queueCapacity = queueCapacity;
        for (int i = 0; i < count; i++) {
            String threadName = name + "-" + i;
            ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, threadName);
                        t.setDaemon(true);
                        return t;
                    });
            stripes.add(e);
            queuedNew.add(new AtomicInteger());
        }
    }

    /**
     * Runs new work on the stripe of {@code key}; returns false when {@code queueCapacity} new tasks already wait on
     * that stripe, or when it is stopped.
     */
    boolean execute(String key, Runnable task) {
        int i = stripe(key);
        AtomicInteger queued = queuedNew.get(i);
        if (queued.incrementAndGet() > queueCapacity) {
            queued.decrementAndGet();
            full.offer(skipped -> "SIP worker " + i + " is full: a new message was refused; " + skipped
                    + " more refused since the last such line");
            return false;
        }
        if (!submit(i, () -> {
            queued.decrementAndGet();
            task.run();
        })) {
            queued.decrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Runs a follow-up of accepted work on the stripe of {@code key}, behind everything queued there; refused only
     * once the stripe is stopped.
     */
    boolean followUp(String key, Runnable task) {
        return submit(stripe(key), task);
    }

    private int stripe(String key) {
        return Math.floorMod(key == null ? 0 : key.hashCode(), stripes.size());
    }

    private boolean submit(int i, Runnable task) {
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
            log.warn("SIP worker {} is stopped: message dropped", i);
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
