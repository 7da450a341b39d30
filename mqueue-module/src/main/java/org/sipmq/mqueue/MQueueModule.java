package org.sipmq.mqueue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.sipmq.mqueue.internal.QueuesModule;
import org.sipmq.mqueue.internal.db.PersistenceModule;
import org.sipmq.mqueue.internal.redis.RedisModule;
import org.sipmq.mqueue.internal.rpc.MQueueRpcModule;
import org.sipmq.proxy.SipmqModule;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.pv.PvProvider;

/**
 * The mqueue module: reads the {@code modparam("mqueue", ...)} lines into an {@link MQueueConfig} and binds
 * {@link MQueues}, {@link MQueueConfig} and the {@code $mqk}, {@code $mqv}, {@code $mq_size} pseudo-variables.
 *
 * <pre>
 * Sipmq app = Sipmq.configure(Path.of("sipmq.cfg"), new ProxyModule(), new MQueueModule());
 * MQueues queues = app.injector().getInstance(MQueues.class);
 * </pre>
 *
 * Like every Guice module here, {@code configure()} does no I/O and starts no thread: the queues are built when first
 * injected, the database is touched only by the persistence service, and Redis (queues with {@code backend=redis},
 * docs/scale-out.md) only by the Redis engine's service, when the application starts.
 */
public final class MQueueModule extends SipmqModule {
    private MQueueConfig config;
    private final boolean fromFile;
    private LongSupplier nanoClock = System::nanoTime;

    /** A module that reads its configuration from the file given to {@code Sipmq.configure}. */
    public MQueueModule() {
        this.fromFile = true;
    }

    /** A module with a configuration built in code; it reads nothing from the file. */
    public MQueueModule(MQueueConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.fromFile = false;
    }

    /**
     * Queues built without Guice, for tests and embedders. Format strings may use {@code $mqk}, {@code $mqv},
     * {@code $mq_size} and {@code $var}. Local queues only: a {@code backend=redis} queue needs the application's
     * Redis engine and is refused with {@link IllegalArgumentException}.
     */
    public static MQueues queues(MQueueConfig config) {
        return QueuesModule.create(config, Map.of(), System::nanoTime);
    }

    /** As {@link #queues(MQueueConfig)}, with more pseudo-variables (such as a SIP message's) for the formats. */
    public static MQueues queues(MQueueConfig config, Map<String, PvProvider> otherPvs) {
        return QueuesModule.create(config, otherPvs, System::nanoTime);
    }

    /**
     * Gives the queues another clock for the enqueue time of items (the age of the oldest item, in metrics), such as a
     * test's hand-moved clock. The default is {@code System::nanoTime}.
     */
    public MQueueModule nanoClock(LongSupplier clock) {
        this.nanoClock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    @Override
    protected void readConfig(ConfigFile file, ConfigErrors errors) {
        if (fromFile) {
            config = MQueueConfig.read(file, errors);
        }
    }

    @Override
    protected void configure() {
        if (config == null) {
            addError("MQueueModule has no configuration: build the application with Sipmq.configure(...),"
                    + " or pass an MQueueConfig to new MQueueModule(config)");
            return;
        }
        // The queues, their per-thread slots and pseudo-variables.
        install(new QueuesModule(config, nanoClock));
        // backend=redis: the shared queues' engine (phase QUEUE_STATE), when a queue has it.
        if (config.hasRedisQueues()) {
            install(new RedisModule());
        }
        // dbmode: the database (phase STORAGE) and the load/save service (phase QUEUE_STATE), when a queue has one.
        install(new PersistenceModule(config.dbUrl(), config.definitions(), Path.of(config.spoolDir())));
        // The mqueue.* RPC methods (served when AdminModule is installed too) and the per-queue metrics.
        install(new MQueueRpcModule());
    }
}
