package org.sipmq.proxy.internal;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import java.util.ArrayList;
import java.util.List;
import org.sipmq.proxy.ProxyConfig;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.SipProxy;
import org.sipmq.proxy.pv.PvProvider;

/**
 * The proxy's bindings, installed by {@code ProxyModule} with the configuration and the hooks it was given: the
 * {@link SipProxy} (a {@link Service}), the SIP pseudo-variables and the {@link RoutingChain} in the declared order.
 */
public final class ProxyBindings extends AbstractModule {
    private final ProxyConfig config;
    private final List<Object> hooks;

    /** @param hooks {@link RoutingHook} instances and {@code Class<? extends RoutingHook>}es, in the order they run */
    public ProxyBindings(ProxyConfig config, List<Object> hooks) {
        this.config = config;
        this.hooks = List.copyOf(hooks);
    }

    @Override
    protected void configure() {
        bind(ProxyConfig.class).toInstance(config);
        bind(SipProxy.class).to(RealSipProxy.class);
        Multibinder.newSetBinder(binder(), Service.class).addBinding().to(RealSipProxy.class);
        MapBinder<String, PvProvider> pvs = MapBinder.newMapBinder(binder(), String.class, PvProvider.class);
        SipPvs.all().forEach((name, provider) -> pvs.addBinding(name).toInstance(provider));

        List<Provider<? extends RoutingHook>> chain = new ArrayList<>();
        for (Object hook : hooks) {
            if (hook instanceof RoutingHook instance) {
                requestInjection(instance);
                chain.add(() -> instance);
            } else {
                @SuppressWarnings("unchecked")
                Class<? extends RoutingHook> type = (Class<? extends RoutingHook>) hook;
                chain.add(getProvider(type));
            }
        }
        bind(RoutingChain.class).toProvider(() -> new RoutingChain(chain.stream().map(p -> (RoutingHook) p.get())
                .toList())).in(jakarta.inject.Singleton.class);
    }
}
