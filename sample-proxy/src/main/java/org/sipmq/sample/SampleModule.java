package org.sipmq.sample;

import com.google.inject.multibindings.Multibinder;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.SipmqModule;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.timer.TimerRoutes;

/**
 * The sample's own part: its settings, its database, and the two timer routes that drain its queues; with
 * {@code accounting = invite}, only a drain of {@code acc} that fetches, and no database.
 */
final class SampleModule extends SipmqModule {
    private SampleSettings settings;

    @Override
    protected void readConfig(ConfigFile file, ConfigErrors errors) {
        settings = SampleSettings.read(file, errors);
    }

    @Override
    protected void configure() {
        bind(SampleSettings.class).toInstance(settings);
        if (settings.accounting() == SampleSettings.AccountingMode.INVITE) {
            TimerRoutes.bind(binder(), "ACC_DRAIN").to(AccFetch.class);
            return;
        }
        bind(SampleDatabase.class);
        Multibinder.newSetBinder(binder(), Service.class).addBinding().to(SampleDatabase.class);
        TimerRoutes.bind(binder(), "ACC_DRAIN").to(AccDrain.class);
        TimerRoutes.bind(binder(), "CALLER_STATE_DRAIN").to(CallerStateDrain.class);
    }
}
