package org.sipmq.mqueue.internal.redis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueueStats;
import org.sipmq.mqueue.internal.EngineQueue;
import org.sipmq.mqueue.internal.Node;

/**
 * A queue whose items live in Redis, shared by every node (docs/scale-out.md). An add never does I/O: it goes into a
 * lock-free in-memory buffer, bounded by {@code redis_buffer} items not yet acknowledged by Redis, that the
 * {@link Shipper} ships in batches; past the bound an add fails fast and is counted. A fetch takes from this thread's
 * prefetch of up to {@code redis_fetch} items, refilled from Redis in one round trip when empty (on the drain's own
 * thread, which may block). {@link #size()} is the count in Redis as last seen (every reply and a refresh every
 * 100 ms), so that {@code mq_size} never waits either.
 */
public final class RedisMQueue extends EngineQueue {
    private final MQueueDefinition definition;
    private final RedisEngine engine;
    private final int bound;
    final List<byte[]> keys;

    /** Items added and not yet acknowledged by Redis: those in {@link #buffer} plus the batch being shipped. */
    private final AtomicInteger unacked = new AtomicInteger();
    private final Queue<MQueueItem> buffer = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Prefetch> prefetch;
    private final Queue<Prefetch> prefetches = new ConcurrentLinkedQueue<>();

    private final LongAdder adds = new LongAdder();
    private final LongAdder failedFast = new LongAdder();
    private final LongAdder fetches = new LongAdder();
    /** Written by the shipper thread only. */
    private volatile long shipped;
    private volatile long evictions;
    private volatile long duplicatesIgnored;
    private volatile long replaced;
    private volatile int size;

    /** The shipper's state: the batch in flight (kept until Redis acknowledges it) and its number. */
    List<MQueueItem> pending;
    long pendingBatch;
    private long lastBatch;

    RedisMQueue(MQueueDefinition definition, int index, RedisEngine engine, String prefix, int bound) {
        super(index);
        this.definition = Objects.requireNonNull(definition, "definition");
        this.engine = engine;
        this.bound = bound;
        String base = prefix + definition.name();
        this.keys = List.of(Scripts.bytes(base), Scripts.bytes(base + ":vals"), Scripts.bytes(base + ":seq"),
                Scripts.bytes(base + ":shipped"));
        this.prefetch = ThreadLocal.withInitial(() -> {
            String inflight = base + ":inflight:" + engine.node() + ":" + Thread.currentThread().getId();
            Prefetch p = new Prefetch(List.of(keys.get(0), keys.get(1), Scripts.bytes(inflight),
                    Scripts.bytes(inflight + ":n")));
            prefetches.add(p);
            return p;
        });
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public MQueueDefinition definition() {
        return definition;
    }

    @Override
    public void add(String key, String value) {
        offer(key, value);
    }

    @Override
    public boolean offer(String key, String value) {
        MQueueItem item = new MQueueItem(key, value);
        if (unacked.incrementAndGet() > bound) {
            unacked.decrementAndGet();
            failedFast.increment();
            engine.refused(this);
            return false;
        }
        buffer.add(item);
        adds.increment();
        engine.wake();
        return true;
    }

    @Override
    public Node take() {
        Prefetch p = prefetch.get();
        Node n = p.poll();
        if (n == null && engine.fetch(this, p)) {
            n = p.poll();
        }
        if (n != null) {
            fetches.increment();
        }
        return n;
    }

    /** Takes every item from Redis too: every node's. */
    @Override
    public List<MQueueItem> drainAll() {
        List<MQueueItem> out = new ArrayList<>();
        drain(Integer.MAX_VALUE, out::add);
        return out;
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * adds: taken into the buffer; evictions, duplicatesIgnored, replaced: what Redis did with this node's batches;
     * fetches: taken by this node. The age of the oldest item is not tracked for a Redis queue (0); refused: 0 (a Redis queue has no table to outgrow).
     */
    @Override
    public MQueueStats stats() {
        return new MQueueStats(adds.sum(), evictions, duplicatesIgnored, replaced, fetches.sum(), 0, 0);
    }

    /** Items added on this node that Redis has not acknowledged yet (what a kill -9 would lose). */
    public int buffered() {
        return unacked.get();
    }

    /** Items Redis acknowledged from this node. */
    public long shipped() {
        return shipped;
    }

    /** Adds refused because the buffer was full. */
    public long failedFast() {
        return failedFast.sum();
    }

    /** Items taken from Redis by this node's threads and not yet handed to a fetch. */
    public int prefetched() {
        int n = 0;
        for (Prefetch p : prefetches) {
            n += p.size();
        }
        return n;
    }

    // --- the shipper's side (one thread) ---

    /** Takes the next batch out of the buffer when none is in flight; true when there is one to ship. */
    boolean nextBatch(int max) {
        if (pending == null) {
            MQueueItem first = buffer.poll();
            if (first == null) {
                return false;
            }
            List<MQueueItem> batch = new ArrayList<>(Math.min(max, 64));
            batch.add(first);
            MQueueItem it;
            while (batch.size() < max && (it = buffer.poll()) != null) {
                batch.add(it);
            }
            pending = batch;
            pendingBatch = ++lastBatch;
        }
        return true;
    }

    boolean hasUnshipped() {
        return pending != null || !buffer.isEmpty();
    }

    /** Redis applied the batch in flight: {@code {size, evicted, duplicates, replaced, already applied}}. */
    void acknowledged(List<?> reply) {
        int n = pending.size();
        size = toInt(reply.get(0));
        evictions += toLong(reply.get(1));
        duplicatesIgnored += toLong(reply.get(2));
        replaced += toLong(reply.get(3));
        shipped += n;
        pending = null;
        unacked.addAndGet(-n);
    }

    void sizeSeen(long n) {
        size = (int) Math.min(Integer.MAX_VALUE, n);
    }

    /** Everything not acknowledged, for the log of a stop that could not ship it. */
    int unshippedCount() {
        return unacked.get();
    }

    /** Every thread's prefetched items, taken out (at stop, when the drains have stopped). */
    List<Node> takePrefetched() {
        List<Node> out = new ArrayList<>();
        for (Prefetch p : prefetches) {
            p.drainTo(out);
        }
        return out;
    }

    /** Every thread's inflight keys, deleted at a graceful stop once the prefetch is back in the queue. */
    List<byte[]> inflightKeys() {
        List<byte[]> out = new ArrayList<>();
        for (Prefetch p : prefetches) {
            out.add(p.popKeys.get(2));
            out.add(p.popKeys.get(3));
        }
        return out;
    }

    static int toInt(Object o) {
        return (int) Math.min(Integer.MAX_VALUE, toLong(o));
    }

    static long toLong(Object o) {
        return o instanceof Long l ? l : Long.parseLong(String.valueOf(o));
    }

    @Override
    public String toString() {
        return "mqueue '" + name() + "' (redis, " + size + " items, " + buffered() + " unshipped)";
    }

    /**
     * One thread's items taken from Redis and not yet handed out; locked only against the stop's final sweep. The
     * refill size grows while the thread fetches in a loop (1, 2, 4, ... up to {@code redis_fetch}, while refills come
     * less than {@link #STREAK_NANOS} apart) and starts again at 1 otherwise, so that a lone fetch (an RPC
     * {@code mqueue.fetch}, a drain run that finds one item) takes one item and leaves nothing behind.
     */
    static final class Prefetch {
        static final long STREAK_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10);

        private final ArrayDeque<Node> items = new ArrayDeque<>();
        private long lastRefillNanos = System.nanoTime() - 2 * STREAK_NANOS;
        private int lastRefill;
        /** The pop script's keys for this thread: q, q:vals, its inflight list and number. */
        final List<byte[]> popKeys;
        /** The number of this thread's last pop call, and of the last reply it received (owning thread only). */
        long popCalls;
        long popAnswered;

        Prefetch(List<byte[]> popKeys) {
            this.popKeys = popKeys;
        }

        /** How many items the next refill takes (called by the owning thread only). */
        int nextRefill(int max) {
            long now = System.nanoTime();
            int n = now - lastRefillNanos < STREAK_NANOS ? Math.min(max, Math.max(1, lastRefill * 2)) : 1;
            lastRefillNanos = now;
            lastRefill = n;
            return n;
        }

        synchronized Node poll() {
            return items.pollFirst();
        }

        synchronized void add(Node n) {
            items.addLast(n);
        }

        synchronized int size() {
            return items.size();
        }

        synchronized void drainTo(List<Node> out) {
            out.addAll(items);
            items.clear();
        }
    }
}
