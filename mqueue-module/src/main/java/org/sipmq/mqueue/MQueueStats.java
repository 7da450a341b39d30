package org.sipmq.mqueue;

/**
 * A queue's counters since start, read at one moment.
 *
 * @param adds successful adds (every add that returned 1, including ignored duplicates)
 * @param evictions oldest items dropped by the size limit
 * @param duplicatesIgnored addmode 1 adds ignored because the key was queued
 * @param replaced addmode 2 adds that replaced a queued key
 * @param fetches items taken out of the queue (by any fetch, poll or drain)
 * @param oldestAgeNanos age of the oldest queued item in nanoseconds, 0 when empty
 * @param refused adds refused because the key or the value is longer than the queue's table can store
 *        ({@link MQueueItemTooLargeException}, {@code mq_add} returned {@link MQueues#MQ_ADD_TOO_LARGE})
 */
public record MQueueStats(long adds, long evictions, long duplicatesIgnored, long replaced, long fetches,
        long oldestAgeNanos, long refused) {
}
