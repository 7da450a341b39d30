package org.sipmq.mqueue.internal;

import org.sipmq.mqueue.MQueueItem;

/** One queued item with the time it was enqueued; immutable, so it can move from the queue to a slot unlocked. */
public final class Node {
    final String key;
    final String value;
    final long enqueuedNanos;

    public Node(String key, String value, long enqueuedNanos) {
        this.key = key;
        this.value = value;
        this.enqueuedNanos = enqueuedNanos;
    }

    public MQueueItem toItem() {
        return new MQueueItem(key, value);
    }
}
