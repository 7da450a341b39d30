package org.sipmq.mqueue.internal;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.multibindings.ProvidesIntoMap;
import com.google.inject.multibindings.StringMapKey;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.sipmq.mqueue.MQueueConfig;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.pv.PvEngine;
import org.sipmq.proxy.pv.PvProvider;

/**
 * Binds the queues built from an {@link MQueueConfig}: {@link MQueues} and the {@code $mqk}, {@code $mqv} and
 * {@code $mq_size} pseudo-variables. Builds nothing in {@code configure()}; the queues are made when first injected.
 */
public final class QueuesModule extends AbstractModule {
    private final MQueueConfig config;
    private final LongSupplier nanoClock;

    /**
     * @param nanoClock the clock of the items' enqueue times (the age of the oldest item): {@code System::nanoTime},
     *        or a test's hand-moved clock
     */
    public QueuesModule(MQueueConfig config, LongSupplier nanoClock) {
        this.config = Objects.requireNonNull(config, "config");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Queues without Guice, for tests and embedders: the {@code $mq*} pseudo-variables plus {@code otherPvs} (and the
     * engine's own {@code $var}) are available to the functions' format strings.
     */
    public static MQueues create(MQueueConfig config, Map<String, PvProvider> otherPvs, LongSupplier nanoClock) {
        QueueTable table = new QueueTable(config.definitions(), nanoClock);
        Map<String, PvProvider> pvs = new HashMap<>(otherPvs);
        pvs.put("mqk", MQueuePvs.key(table));
        pvs.put("mqv", MQueuePvs.value(table));
        pvs.put("mq_size", MQueuePvs.size(table));
        return new RealMQueues(table, new PvEngine(pvs));
    }

    @Override
    protected void configure() {
        bind(MQueueConfig.class).toInstance(config);
        // Set by the Redis module when some queue has backend=redis.
        OptionalBinder.newOptionalBinder(binder(), SharedQueueFactory.class);
    }

    @Provides
    @Singleton
    QueueTable table(MQueueConfig config, Optional<SharedQueueFactory> shared) {
        return new QueueTable(config.definitions(), nanoClock, shared.orElse(null));
    }

    @Provides
    @Singleton
    MQueues queues(QueueTable table, PvEngine pv) {
        return new RealMQueues(table, pv);
    }

    @ProvidesIntoMap
    @StringMapKey("mqk")
    @Singleton
    PvProvider mqk(QueueTable table) {
        return MQueuePvs.key(table);
    }

    @ProvidesIntoMap
    @StringMapKey("mqv")
    @Singleton
    PvProvider mqv(QueueTable table) {
        return MQueuePvs.value(table);
    }

    @ProvidesIntoMap
    @StringMapKey("mq_size")
    @Singleton
    PvProvider mqSize(QueueTable table) {
        return MQueuePvs.size(table);
    }
}
