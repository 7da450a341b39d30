package org.sipmq.mqueue;

import java.util.Objects;

/** One queued item. Keys and values are never null; empty strings are legal. */
public record MQueueItem(String key, String value) {
    public MQueueItem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
