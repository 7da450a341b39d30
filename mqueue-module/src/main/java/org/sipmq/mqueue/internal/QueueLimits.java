package org.sipmq.mqueue.internal;

import org.sipmq.mqueue.MQueue;

/** For the persistence layer: limits a queue's items to what its table stores. */
public final class QueueLimits {
    private QueueLimits() {
    }

    /**
     * From now on {@code queue} refuses ({@link org.sipmq.mqueue.MQueueItemTooLargeException}) a key longer than
     * {@code maxKeyChars} or a value longer than {@code maxValueChars} characters.
     *
     * @throws IllegalArgumentException when {@code queue} is not one of this module's queues
     */
    public static void limit(MQueue queue, int maxKeyChars, int maxValueChars) {
        if (!(queue instanceof RealMQueue q)) {
            throw new IllegalArgumentException("mqueue '" + queue.name() + "' is a " + queue.getClass().getName()
                    + " (expected: a queue made by MQueueModule)");
        }
        q.limitItems(maxKeyChars, maxValueChars);
    }
}
