package org.sipmq.mqueue.internal;

import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueItemTooLargeException;
import org.sipmq.mqueue.MQueues;

/**
 * A queue as the engine's slots see it: one that can hand its oldest item to a thread's slot. {@link RealMQueue} is the
 * local kind; other backends (Redis, {@code internal.redis}) extend this class from their own package, through a
 * {@link SharedQueueFactory}.
 */
public abstract class EngineQueue implements MQueue {
    private final int index;

    protected EngineQueue(int index) {
        this.index = index;
    }

    /** The queue's position in definition order, which is also its slot index in every thread. */
    final int index() {
        return index;
    }

    /** Takes the oldest item, or null when none is available. */
    public abstract Node take();

    /**
     * {@code mq_add}'s return code: 1 taken; {@link MQueues#MQ_ADD_TOO_LARGE} refused because the queue's table could
     * not store it; {@link MQueues#MQ_ADD_BUFFER_FULL} refused because a Redis queue's buffer is full.
     */
    final int mqAdd(String key, String value) {
        try {
            return offer(key, value) ? 1 : MQueues.MQ_ADD_BUFFER_FULL;
        } catch (MQueueItemTooLargeException e) {
            return MQueues.MQ_ADD_TOO_LARGE;
        }
    }
}
