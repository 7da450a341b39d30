package org.sipmq.mqueue;

import java.util.List;
import java.util.Optional;

/**
 * Every queue of the proxy, and Kamailio's mqueue functions under their own names and return codes (KEMI semantics,
 * spec §2), so that a {@code KSR.mqueue.*} script ports line by line.
 *
 * <p>
 * The Kamailio-named functions act on the calling thread's private slot per queue (spec §3): each SIP worker, timer
 * worker and the RPC handler has its own. Their string parameters are format strings evaluated at call time, as in
 * Kamailio's script: {@code mq_add("acc", "$ci", "$rm $fu $tu")}. For literal keys and values use {@link MQueue}.
 * Bound by {@link MQueueModule}; {@link MQueueModule#queues(MQueueConfig)} builds them without Guice.
 */
public interface MQueues {
    /** {@code mq_add}: the item was refused, its key or value is longer than the queue's table can store. */
    int MQ_ADD_TOO_LARGE = -3;

    /** {@code mq_add}: the item was refused, a {@code backend=redis} queue's buffer of unshipped items is full. */
    int MQ_ADD_BUFFER_FULL = -4;

    /**
     * 1 on success (also when addmode 1 ignored a duplicate or the oldest item was dropped); -1 unknown queue;
     * {@link #MQ_ADD_TOO_LARGE} (-3) the key or the value is longer than the queue's table can store (dbmode 1 or 3),
     * so it is refused instead of being lost at stop. Negative on every failure, as in Kamailio. For a
     * {@code backend=redis} queue 1 means the item was buffered for shipping (addmode and size are applied in Redis,
     * later), and {@link #MQ_ADD_BUFFER_FULL} (-4) that the buffer is full and the item was dropped
     * (docs/scale-out.md).
     */
    int mq_add(String queue, String key, String value);

    /** 1 an item was taken into this thread's slot; -2 queue empty (the slot is cleared); -1 unknown queue. */
    int mq_fetch(String queue);

    /** Always 1: drops this thread's held item for the queue. */
    int mq_pv_free(String queue);

    /** The item count, 0 when empty; -1 unknown queue. */
    int mq_size(String queue);

    /** Key held by this thread's slot, null when none is held or the queue is unknown. */
    String mqk_get(String queue);

    /** Value held by this thread's slot, null when none is held or the queue is unknown. */
    String mqv_get(String queue);

    /** As {@link #mqk_get(String)} but {@code ""} instead of null. */
    String mqk_gete(String queue);

    /** As {@link #mqv_get(String)} but {@code ""} instead of null. */
    String mqv_gete(String queue);

    /** As {@link #mqk_get(String)} but {@code "<null>"} instead of null. */
    String mqk_getw(String queue);

    /** As {@link #mqv_get(String)} but {@code "<null>"} instead of null. */
    String mqv_getw(String queue);

    /**
     * The queue named exactly {@code name}.
     *
     * @throws IllegalArgumentException {@code mqueue 'acx' not found (defined: acc, cdr)}
     */
    MQueue queue(String name);

    /** The queue named exactly {@code name}, if defined. */
    Optional<MQueue> find(String name);

    /** Every queue, in definition order. */
    List<MQueue> all();
}
