package org.sipmq.proxy.timer;

import java.util.Objects;
import org.sipmq.proxy.SipmqModule;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.internal.timer.TimerBindings;

/**
 * Kamailio's {@code rtimer}: reads the {@code modparam("rtimer", ...)} settings into a {@link TimerConfig}, runs each
 * timer's {@link TimerRoute}s on its dedicated workers (a {@link org.sipmq.proxy.Service} of phase {@link org.sipmq.proxy.Service.Phase#TIMERS}), checks
 * that every {@code exec} names a bound route, and provides {@code $rtimer_worker}. Give it to
 * {@link org.sipmq.proxy.Sipmq#configure} directly (not through {@code install}), so that it reads its configuration.
 *
 * <pre>
 * Sipmq app = Sipmq.configure(Path.of("sipmq.cfg"), new TimerModule(), new AbstractModule() {
 *     protected void configure() {
 *         TimerRoutes.bind(binder(), "ACC_DRAIN").to(AccDrain.class);
 *     }
 * });
 * </pre>
 *
 * <p>
 * Metrics: {@code sipmq.rtimer.runs} (timer: runs of a worker and their duration, tag {@code timer}),
 * {@code sipmq.rtimer.route.runs} (timer, tags {@code timer}, {@code route}), {@code sipmq.rtimer.failures} (counter,
 * tags {@code timer}, {@code route}).
 */
public final class TimerModule extends SipmqModule {
    private TimerConfig config;
    private TimerTicker ticker = TimerTicker.SYSTEM;

    /**
     * Runs the workers on another clock: a test's, which ends a worker's pause between runs only when the test moves
     * it (proxy-core's test {@code FakeTicker}), instead of waiting for real intervals. The default is the system's.
     */
    public TimerModule ticker(TimerTicker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        return this;
    }

    @Override
    protected void readConfig(ConfigFile file, ConfigErrors errors) {
        config = TimerConfig.read(file, errors);
    }

    @Override
    protected void configure() {
        if (config == null) {
            addError("TimerModule's configuration was never read: pass the module to Sipmq.configure(...) itself,"
                    + " not through install()");
            config = TimerConfig.empty();
        }
        install(new TimerBindings(config, ticker));
    }
}
