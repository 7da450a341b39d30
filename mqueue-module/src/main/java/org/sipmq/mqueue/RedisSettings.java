package org.sipmq.mqueue;

import java.util.Objects;
import java.util.Optional;

/**
 * The settings of the {@code backend=redis} queues (docs/scale-out.md), from the {@code redis_*} modparams.
 *
 * @param url {@code redis_url}, such as {@code redis://127.0.0.1:6379/0}; null when not given
 * @param buffer {@code redis_buffer}: the most items this node holds that Redis has not yet acknowledged, per queue;
 *        past it an add fails fast
 * @param batch {@code redis_batch}: the most items shipped in one script call
 * @param fetch {@code redis_fetch}: the most items a drain thread takes from Redis in one round trip
 */
public record RedisSettings(String url, int buffer, int batch, int fetch) {
    /** No Redis, and the defaults of the numbers. */
    public static final RedisSettings NONE = new RedisSettings(null, 10_000, 256, 16);

    public RedisSettings {
        positive("redis_buffer", buffer);
        positive("redis_batch", batch);
        positive("redis_fetch", fetch);
    }

    /** The defaults with this URL. */
    public static RedisSettings of(String url) {
        return NONE.withUrl(Objects.requireNonNull(url, "url"));
    }

    public RedisSettings withUrl(String newUrl) {
        return new RedisSettings(newUrl, buffer, batch, fetch);
    }

    public RedisSettings withBuffer(int n) {
        return new RedisSettings(url, n, batch, fetch);
    }

    public RedisSettings withBatch(int n) {
        return new RedisSettings(url, buffer, n, fetch);
    }

    public RedisSettings withFetch(int n) {
        return new RedisSettings(url, buffer, batch, n);
    }

    public Optional<String> urlIfSet() {
        return Optional.ofNullable(url);
    }

    private static void positive(String name, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(name + ": " + n + " (expected: >= 1)");
        }
    }

    /** The URL may hold a password and is never printed. */
    @Override
    public String toString() {
        return "RedisSettings[url=" + (url == null ? "none" : "set") + ", buffer=" + buffer + ", batch=" + batch
                + ", fetch=" + fetch + "]";
    }
}
