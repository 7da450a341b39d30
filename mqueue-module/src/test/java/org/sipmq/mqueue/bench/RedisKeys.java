package org.sipmq.mqueue.bench;

/** The Redis keys of a {@code backend=redis} queue, for benchmarks that clean up after themselves. */
final class RedisKeys {
    static final String PREFIX = "sipmq:mqueue:";

    private RedisKeys() {
    }

    static String items(String queue) {
        return PREFIX + queue;
    }

    static String shipped(String queue) {
        return PREFIX + queue + ":shipped";
    }
}
