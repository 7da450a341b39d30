package org.sipmq.mqueue;

import java.util.Objects;
import org.sipmq.mqueue.internal.QueuesModule;
import org.sipmq.proxy.ConfigErrors;
import org.sipmq.proxy.ConfigFile;
import org.sipmq.proxy.SipmqModule;

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
 * injected, and the database is touched only by the persistence service when the application starts.
 */
public final class MQueueModule extends SipmqModule {
    private MQueueConfig config;
    private final boolean fromFile;

    /** A module that reads its configuration from the file given to {@code Sipmq.configure}. */
    public MQueueModule() {
        this.fromFile = true;
    }

    /** A module with a configuration built in code; it reads nothing from the file. */
    public MQueueModule(MQueueConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.fromFile = false;
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
        install(new QueuesModule(config));
        // Persistence (dbmode, a Service in phase QUEUE_STATE from org.sipmq.mqueue.internal.db) installs here.
        // The mqueue.* RPC methods and the per-queue metrics (from MQueueStats) install here.
    }
}
