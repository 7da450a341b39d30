package org.sipmq.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.internal.ProxyBindings;

/**
 * The SIP proxy as a Guice module: reads the core settings of the configuration file into a {@link ProxyConfig},
 * binds the {@link SipProxy} as a {@link Service} of phase {@link Service.Phase#TRANSPORT}, registers the SIP
 * pseudo-variables ({@code $ci $rm $ru ...}) in the {@link org.sipmq.proxy.pv.PvEngine}, and declares the order of the
 * {@link RoutingHook}s, here and nowhere else.
 *
 * <pre>
 * Sipmq app = Sipmq.configure(Path.of("sipmq.cfg"),
 *         ProxyModule.builder().hooks(Accounting.class, Dispatcher.class).build(),
 *         new MQueueModule());
 * </pre>
 */
public final class ProxyModule extends SipmqModule {
    private final List<Object> hooks;
    private ProxyConfig config;
    private final boolean configInCode;

    private ProxyModule(Builder b) {
        this.hooks = List.copyOf(b.hooks);
        this.config = b.config;
        this.configInCode = b.config != null;
    }

    /** A proxy without hooks: every request goes to its Request-URI. */
    public ProxyModule() {
        this(new Builder());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected void readConfig(ConfigFile file, ConfigErrors errors) {
        if (!configInCode) {
            config = ProxyConfig.read(file, errors);
        }
    }

    @Override
    protected void configure() {
        if (config == null) {
            throw new IllegalStateException("ProxyModule: no configuration (install it through Sipmq.configure, which"
                    + " reads the file, or give one with ProxyModule.builder().config(...))");
        }
        install(new ProxyBindings(config, hooks));
    }

    /** Declares the hooks, in the order they run, and optionally a configuration made in code. */
    public static final class Builder {
        private final List<Object> hooks = new ArrayList<>();
        private ProxyConfig config;

        private Builder() {
        }

        /** Hooks by class, created by the injector (so they can {@code @Inject} a PvEngine, MQueues, ...). */
        @SafeVarargs
        public final Builder hooks(Class<? extends RoutingHook>... types) {
            for (Class<? extends RoutingHook> t : types) {
                hooks.add(Objects.requireNonNull(t, "hook"));
            }
            return this;
        }

        /** Hooks as instances (their {@code @Inject} members are injected), appended after those already given. */
        public Builder hooks(RoutingHook... instances) {
            for (RoutingHook h : instances) {
                hooks.add(Objects.requireNonNull(h, "hook"));
            }
            return this;
        }

        /** Uses this configuration instead of the file's core settings. */
        public Builder config(ProxyConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public ProxyModule build() {
            return new ProxyModule(this);
        }
    }
}
