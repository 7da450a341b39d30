package org.sipmq.proxy.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's stripes: a call always on the same stripe (by Call-ID), and a stripe runs one task at a time, in the
 * order the tasks were given, so that a 200 cannot overtake its 180 while different calls run in parallel. A stripe is
 * a queue, not a thread: whoever finds it idle runs it. A task given {@code here} (the UDP reading thread, the common
 * case) runs at once on the calling thread when its stripe is idle, without waking another thread; any other task, or
 * one whose stripe is busy, waits in the stripe, which a pool thread (or the thread already running the stripe) takes
 * in turn. New work ({@link #execute}) is bounded per stripe: a task that does not fit is refused, and the caller
 * answers or drops it. Follow-ups of work already accepted ({@link #followUp}: a CANCEL, a response, a timeout) are
 * never refused for capacity, because the transactions absorb the retransmissions that would otherwise redeliver them;
 * they are bounded by the accepted work, which the overload valve bounds.
 */
final class StripedExecutor {
    private static final Logger log = LoggerFactory.getLogger(StripedExecutor.class);
    /** Tasks a stripe runs in one turn on one thread before it lets the pool take the rest (fairness, and the reader). */
    private static final int TURN = 32;

    private final Stripe[] stripes;
    private final ThreadPoolExecutor pool;
    private final int queueCapacity;
    private final AtomicInteger backlog = new AtomicInteger(); // new tasks waiting, all stripes
    private final SampledWarn full = new SampledWarn(System::nanoTime, log::warn);
    private volatile boolean stopped;

    /** {@code count} stripes run by a pool of {@code count} threads named {@code name-K}. */
    StripedExecutor(String name, int count, int queueCapacity) {
        this.queueCapacity = queueCapacity;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(count, count, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        this.stripes = new Stripe[count];
        for (int i = 0; i < count; i++) {
            stripes[i] = new Stripe(i);
        }
    }

    /**
     * Runs new work on the stripe of {@code key}, by a pool thread; returns false when {@code queueCapacity} new tasks
     * already wait on that stripe, or when it is stopped.
     */
    boolean execute(String key, Runnable task) {
        return execute(key, task, false);
    }

    /**
     * Runs new work on the stripe of {@code key}: at once on this thread when {@code here} and the stripe is idle (the
     * task, and what was queued behind it meanwhile, run before this returns), else queued for the pool. Returns false
     * when {@code queueCapacity} new tasks already wait on that stripe, or when it is stopped.
     */
    boolean execute(String key, Runnable task, boolean here) {
        Stripe s = stripe(key);
        if (s.queuedNew.incrementAndGet() > queueCapacity) {
            s.queuedNew.decrementAndGet();
            full.offer(skipped -> "SIP worker " + s.index + " is full: a new message was refused; " + skipped
                    + " more refused since the last such line");
            return false;
        }
        backlog.incrementAndGet();
        if (!s.offer(new NewTask(s, task), here)) {
            s.queuedNew.decrementAndGet();
            backlog.decrementAndGet();
            return false;
        }
        return true;
    }

    /** New tasks given and not yet started, on all stripes together: how far the workers are behind. */
    int backlog() {
        return backlog.get();
    }

    /** A follow-up of accepted work on the stripe of {@code key}, by a pool thread; refused only once stopped. */
    boolean followUp(String key, Runnable task) {
        return followUp(key, task, false);
    }

    /**
     * Runs a follow-up of accepted work on the stripe of {@code key}, behind everything queued there (at once on this
     * thread when {@code here} and the stripe is idle); refused only once the executor is stopped.
     */
    boolean followUp(String key, Runnable task, boolean here) {
        return stripe(key).offer(task, here);
    }

    private Stripe stripe(String key) {
        return stripes[Math.floorMod(key == null ? 0 : key.hashCode(), stripes.length)];
    }

    /** Stops the stripes, waiting up to {@code timeoutMillis} for the queued tasks. */
    void shutdown(long timeoutMillis) {
        stopped = true;
        pool.shutdown();
        try {
            if (!pool.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException ie) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** New work: counted against its stripe's capacity until it starts. */
    private final class NewTask implements Runnable {
        private final Stripe stripe;
        private final Runnable task;

        NewTask(Stripe stripe, Runnable task) {
            this.stripe = stripe;
            this.task = task;
        }

        @Override
        public void run() {
            stripe.queuedNew.decrementAndGet();
            backlog.decrementAndGet();
            task.run();
        }
    }

    /** One stripe: its queue, and whether a thread is running it or it waits in the pool's queue. */
    private final class Stripe implements Runnable {
        final int index;
        final AtomicInteger queuedNew = new AtomicInteger();
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicInteger owned = new AtomicInteger(); // 1 while a thread runs it or the pool holds it

        Stripe(int index) {
            this.index = index;
        }

        boolean offer(Runnable task, boolean here) {
            if (stopped) {
                log.warn("SIP worker {} is stopped: message dropped", index);
                return false;
            }
            tasks.add(task);
            if (owned.compareAndSet(0, 1)) {
                if (here) {
                    run();
                } else if (!schedule()) {
                    return false;
                }
            }
            return true;
        }

        private boolean schedule() {
            try {
                pool.execute(this);
                return true;
            } catch (RejectedExecutionException e) {
                owned.set(0);
                tasks.clear(); // stopped: what waited is dropped (the counts no longer matter: execute refuses now)
                log.warn("SIP worker {} is stopped: message dropped", index);
                return false;
            }
        }

        /** One turn: up to {@link #TURN} tasks, then the stripe is released, or handed to the pool if more wait. */
        @Override
        public void run() {
            for (;;) {
                Runnable t;
                int ran = 0;
                while (ran < TURN && (t = tasks.poll()) != null) {
                    ran++;
                    try {
                        t.run();
                    } catch (RuntimeException | Error e) {
                        log.error("SIP worker task failed", e);
                    }
                }
                if (ran == TURN && !tasks.isEmpty()) {
                    schedule(); // the rest in the pool's turn: this thread (perhaps the reader) goes back to its own
                    return;
                }
                owned.set(0);
                // a task added after the last poll but before the release found the stripe owned: take it back
                if (tasks.isEmpty() || !owned.compareAndSet(0, 1)) {
                    return;
                }
            }
        }
    }
}
