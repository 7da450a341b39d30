package org.sipmq.mqueue;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One named queue, for Java code that does not need Kamailio's per-context slot: keys and values are taken literally
 * (no pseudo-variables), and fetched items are handed back as values. Thread-safe; every operation is O(1) per item in
 * every addmode.
 */
public interface MQueue {
    /** The queue's name, byte-exact as defined. */
    String name();

    /** The definition the queue was built from. */
    MQueueDefinition definition();

    /**
     * Adds an item following the queue's addmode and size limit (spec §1-§2): addmode 1 ignores a key already queued,
     * addmode 2 moves a replaced key to the tail, and an add past the size limit drops the single oldest item.
     *
     * @throws MQueueItemTooLargeException when the queue is saved to a table (dbmode 1 or 3) whose {@code key} or
     *         {@code val} column is shorter than the key or the value (in characters); nothing changes but the
     *         queue's {@code refused} counter
     */
    void add(String key, String value);

    /**
     * As {@link #add}, and says whether the item was taken: false only for a {@code backend=redis} queue whose
     * in-memory buffer of unshipped items is full (Redis down or slow), when the item is dropped and counted
     * (docs/scale-out.md). A local queue always takes the item.
     */
    default boolean offer(String key, String value) {
        add(key, value);
        return true;
    }

    /** Takes the oldest item, or empty when the queue is empty. Destructive: no other taker sees it. */
    Optional<MQueueItem> poll();

    /** Takes up to {@code max} items, oldest first, handing each to {@code consumer}; returns how many were taken. */
    int drain(int max, Consumer<? super MQueueItem> consumer);

    /** Takes every item, oldest first (used to save the queue at shutdown). */
    List<MQueueItem> drainAll();

    /** The number of queued items (items held in a context's slot are not counted). */
    int size();

    /** The queue's counters since start. */
    MQueueStats stats();
}
