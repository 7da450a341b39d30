package org.sipmq.proxy;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Singleton;
import org.sipmq.proxy.config.ConfigCheck;
import org.sipmq.proxy.pv.PvEngine;
import org.sipmq.proxy.pv.PvProvider;

/**
 * What every sipmq application binds, installed by {@link Sipmq}: the pseudo-variable engine with its (possibly empty)
 * provider map, the lifecycle with its (possibly empty) set of services and config checks, and the metrics registry
 * (Prometheus-backed, so that the admin endpoint can expose it).
 */
final class CoreModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, PvProvider.class);
        Multibinder.newSetBinder(binder(), Service.class);
        Multibinder.newSetBinder(binder(), ConfigCheck.class);
        bind(PvEngine.class);
        bind(Lifecycle.class);
    }

    @Provides
    @Singleton
    PrometheusMeterRegistry prometheusRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    @Provides
    @Singleton
    MeterRegistry meterRegistry(PrometheusMeterRegistry registry) {
        return registry;
    }
}
