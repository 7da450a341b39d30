package org.sipmq.mqueue.internal;

import org.sipmq.mqueue.MQueueItem;

/** One queued item with the time it was enqueued; immutable, so it can move from the queue to a slot unlocked. */
final class Node {
    final String key;
    final String value;
    final long enqueuedNanos;

    Node(String key, String value, long enqueuedNanos) {
        this.key = key;
        this.value = value;
        this.enqueuedNanos = enqueuedNanos;
    }

    MQueueItem toItem() {
        return new MQueueItem(key, value);
    }
}
