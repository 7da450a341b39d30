package org.sipmq.mqueue.internal.rpc;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueStats;
import org.sipmq.mqueue.MQueues;
import org.sipmq.mqueue.internal.redis.RedisMQueue;
import org.sipmq.proxy.Service;

/**
 * Every queue's size and counters as Micrometer meters tagged {@code queue}, read from {@link MQueue#size()} and
 * {@link MQueue#stats()} at each scrape (nothing is counted twice, nothing on the queue's hot path). Prometheus names:
 * {@code mqueue_size}, {@code mqueue_size_limit}, {@code mqueue_oldest_age_seconds}, {@code mqueue_adds_total},
 * {@code mqueue_evictions_total}, {@code mqueue_duplicates_ignored_total}, {@code mqueue_replaced_total},
 * {@code mqueue_fetches_total}, {@code mqueue_refused_total}. A {@code backend=redis} queue's size is the shared count
 * in Redis; it also has {@code mqueue_redis_buffered} (items added here and not yet acknowledged by Redis),
 * {@code mqueue_redis_prefetched}, {@code mqueue_redis_shipped_total} and {@code mqueue_redis_failed_fast_total} (adds
 * refused, buffer full). Bound when the application starts, removed when it stops.
 */
@Singleton
public final class MQueueMetrics implements MeterBinder, Service {
    private final MQueues queues;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    @Inject
    public MQueueMetrics(MQueues queues, MeterRegistry registry) {
        this.queues = queues;
        this.registry = registry;
    }

    @Override
    public String name() {
        return "mqueue-metrics";
    }

    @Override
    public Phase phase() {
        return Phase.MANAGEMENT;
    }

    @Override
    public synchronized void start() {
        if (meters.isEmpty()) {
            bindTo(registry);
        }
    }

    @Override
    public synchronized void stop() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        for (MQueue q : queues.all()) {
            meters.add(Gauge.builder("mqueue.size", q, MQueue::size)
                    .tag("queue", q.name())
                    .description("Items queued now (items held by a fetcher are not counted)")
                    .strongReference(true)
                    .register(registry));
            meters.add(Gauge.builder("mqueue.size.limit", q, x -> x.definition().size())
                    .tag("queue", q.name())
                    .description("The queue's size limit; 0 means unlimited")
                    .strongReference(true)
                    .register(registry));
            meters.add(TimeGauge.builder("mqueue.oldest.age", q, TimeUnit.NANOSECONDS,
                    x -> x.stats().oldestAgeNanos())
                    .tag("queue", q.name())
                    .description("Age of the oldest queued item; 0 when the queue is empty")
                    .strongReference(true)
                    .register(registry));
            counter(registry, q, "mqueue.adds", "Successful adds, ignored duplicates included", MQueueStats::adds);
            counter(registry, q, "mqueue.evictions", "Oldest items dropped because the size limit was reached",
                    MQueueStats::evictions);
            counter(registry, q, "mqueue.duplicates.ignored",
                    "Adds ignored because the key was queued (addmode 1)", MQueueStats::duplicatesIgnored);
            counter(registry, q, "mqueue.replaced", "Adds that replaced a queued key (addmode 2)",
                    MQueueStats::replaced);
            counter(registry, q, "mqueue.fetches", "Items taken out of the queue by any fetch, poll or drain",
                    MQueueStats::fetches);
            counter(registry, q, "mqueue.refused",
                    "Adds refused because the key or value is longer than the queue's table stores (mq_add -3)",
                    MQueueStats::refused);
            if (q instanceof RedisMQueue r) {
                redis(registry, r);
            }
        }
    }

    private void redis(MeterRegistry registry, RedisMQueue q) {
        meters.add(Gauge.builder("mqueue.redis.buffered", q, RedisMQueue::buffered)
                .tag("queue", q.name())
                .description("Items added on this node that Redis has not acknowledged yet (lost by a kill -9)")
                .strongReference(true)
                .register(registry));
        meters.add(Gauge.builder("mqueue.redis.prefetched", q, RedisMQueue::prefetched)
                .tag("queue", q.name())
                .description("Items this node's drains took from Redis and have not fetched yet")
                .strongReference(true)
                .register(registry));
        meters.add(FunctionCounter.builder("mqueue.redis.shipped", q, RedisMQueue::shipped)
                .tag("queue", q.name())
                .description("Items added on this node and acknowledged by Redis")
                .register(registry));
        meters.add(FunctionCounter.builder("mqueue.redis.failed.fast", q, RedisMQueue::failedFast)
                .tag("queue", q.name())
                .description("Adds refused because the buffer of unshipped items was full (Redis down or slow)")
                .register(registry));
    }

    private void counter(MeterRegistry registry, MQueue q, String name, String description,
            ToLongFunction<MQueueStats> stat) {
        meters.add(FunctionCounter.builder(name, q, x -> stat.applyAsLong(x.stats()))
                .tag("queue", q.name())
                .description(description)
                .register(registry));
    }
}
