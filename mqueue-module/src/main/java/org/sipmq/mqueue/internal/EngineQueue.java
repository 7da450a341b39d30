package org.sipmq.mqueue.internal;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueItem;
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

    @Override
    public Optional<MQueueItem> poll() {
        Node n = take();
        return n == null ? Optional.empty() : Optional.of(n.toItem());
    }

    /** One item at a time, so that the consumer runs outside any lock and a failing consumer loses only its item. */
    @Override
    public int drain(int max, Consumer<? super MQueueItem> consumer) {
        if (max < 0) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 0)");
        }
        Objects.requireNonNull(consumer, "consumer");
        int taken = 0;
        while (taken < max) {
            Node n = take();
            if (n == null) {
                break;
            }
            taken++;
            consumer.accept(n.toItem());
        }
        return taken;
    }

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
