package org.sipmq.proxy.internal.timer;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.config.ConfigCheck;
import org.sipmq.proxy.pv.PvProvider;
import org.sipmq.proxy.timer.TimerConfig;
import org.sipmq.proxy.timer.TimerRoutes;
import org.sipmq.proxy.timer.TimerTicker;

/**
 * The timers' bindings, installed by {@code TimerModule} with the configuration it read: the {@link TimerService} (a
 * {@link Service}), the check that every {@code exec} names a bound route, the (possibly empty) map of routes and
 * {@code $rtimer_worker}.
 */
public final class TimerBindings extends AbstractModule {
    private final TimerConfig config;
    private final TimerTicker ticker;

    public TimerBindings(TimerConfig config, TimerTicker ticker) {
        this.config = config;
        this.ticker = ticker;
    }

    @Override
    protected void configure() {
        bind(TimerConfig.class).toInstance(config);
        bind(TimerTicker.class).toInstance(ticker);
        TimerRoutes.routes(binder());
        MapBinder.newMapBinder(binder(), String.class, PvProvider.class)
                .addBinding("rtimer_worker")
                .toInstance(TimerWorker.WORKER_PV);
        Multibinder.newSetBinder(binder(), Service.class).addBinding().to(TimerService.class);
        Multibinder.newSetBinder(binder(), ConfigCheck.class).addBinding().to(TimerRouteCheck.class);
    }
}
