package org.sipmq.proxy.internal.timer;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.sipmq.proxy.config.ConfigCheck;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.timer.TimerConfig;
import org.sipmq.proxy.timer.TimerExec;
import org.sipmq.proxy.timer.TimerRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every {@code exec} names a bound {@link TimerRoute}; a bound route that no {@code exec} runs is only a warning. */
public final class TimerRouteCheck implements ConfigCheck {
    private static final Logger log = LoggerFactory.getLogger(TimerRouteCheck.class);

    private final TimerConfig config;
    private final Set<String> bound;

    @Inject
    public TimerRouteCheck(TimerConfig config, Map<String, Provider<TimerRoute>> routes) {
        this.config = config;
        this.bound = Set.copyOf(routes.keySet());
    }

    @Override
    public void check(ConfigErrors errors) {
        config.checkRoutes(bound, errors);
        Set<String> unused = new TreeSet<>(bound);
        for (TimerExec e : config.execs()) {
            unused.remove(e.route());
        }
        if (!unused.isEmpty()) {
            log.warn("timer routes bound but run by no modparam(\"rtimer\", \"exec\", ...): {}", unused);
        }
    }
}
