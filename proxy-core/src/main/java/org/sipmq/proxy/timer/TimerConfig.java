package org.sipmq.proxy.timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.config.Setting;
import org.sipmq.proxy.internal.timer.Intervals;

/**
 * The timers of an application and the routes each runs, read once from Kamailio's {@code rtimer} module parameters
 * and immutable afterwards:
 *
 * <pre>
 * modparam("rtimer", "default_interval", 60)
 * modparam("rtimer", "timer", "name=t1;interval=1;mode=2")
 * modparam("rtimer", "exec", "timer=t1;route=ACC_DRAIN")
 * modparam("rtimer", "stop_timeout", "5s")
 * </pre>
 *
 * <p>
 * {@code default_interval} (Kamailio's, in seconds; default 120) is the interval of a timer that gives none, for the
 * timers defined after it. {@code stop_timeout} (ours; default 10 s) bounds how long stopping waits for runs in
 * progress. An {@code exec} may name a timer defined before or after it.
 */
public final class TimerConfig {
    /** The interval of a timer that gives none, as in Kamailio. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(120);
    /** How long stopping waits for the runs in progress by default. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private static final TimerConfig EMPTY = new TimerConfig(List.of(), Map.of(), DEFAULT_STOP_TIMEOUT);

    private final List<TimerDefinition> timers;
    /** Every valid exec with the setting it came from, in definition order. */
    private final Map<TimerExec, Setting> execs;
    private final Duration stopTimeout;

    private TimerConfig(List<TimerDefinition> timers, Map<TimerExec, Setting> execs, Duration stopTimeout) {
        this.timers = List.copyOf(timers);
        this.execs = new LinkedHashMap<>(execs);
        this.stopTimeout = stopTimeout;
    }

    /** No timers. */
    public static TimerConfig empty() {
        return EMPTY;
    }

    /**
     * Reads the {@code modparam("rtimer", ...)} settings of {@code file} in order, reporting every problem to
     * {@code errors}; the result holds the valid definitions only.
     */
    public static TimerConfig read(ConfigFile file, ConfigErrors errors) {
        List<TimerDefinition> timers = new ArrayList<>();
        Map<String, Setting> timerSources = new LinkedHashMap<>();
        Map<TimerExec, Setting> execs = new LinkedHashMap<>();
        Map<String, Setting> execKeys = new HashMap<>(); // timer names are case-insensitive, route names are not
        Duration defaultInterval = DEFAULT_INTERVAL;
        Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        for (Setting s : file.module("rtimer")) {
            switch (s.name().toLowerCase(Locale.ROOT)) {
                case "timer" -> {
                    TimerDefinition d = TimerDefinition.parse(s, defaultInterval, errors);
                    if (d == null) {
                        break;
                    }
                    Setting first = timerSources.putIfAbsent(key(d.name()), s);
                    if (first != null) {
                        errors.add(s, "\"" + s.value() + "\": name: '" + d.name()
                                + "' already defined at " + first.where()
                                + " (expected: a unique timer name, compared case-insensitively)");
                    } else {
                        timers.add(d);
                    }
                }
                case "exec" -> {
                    TimerExec e = TimerExec.parse(s, errors);
                    if (e != null) {
                        Setting first = execKeys.putIfAbsent(key(e.timer()) + '\0' + e.route(), s);
                        if (first == null) {
                            execs.put(e, s);
                        } else {
                            errors.add(s, "\"" + s.value() + "\": route '" + e.route() + "' already runs on timer '"
                                    + e.timer() + "' since " + first.where());
                        }
                    }
                }
                case "default_interval" -> defaultInterval = interval(s, defaultInterval, errors);
                case "stop_timeout" -> stopTimeout = interval(s, stopTimeout, errors);
                default -> errors.add(s,
                        "unknown rtimer parameter (expected: timer, exec, default_interval, stop_timeout)");
            }
        }
        var it = execs.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (!timerSources.containsKey(key(e.getKey().timer()))) {
                errors.add(e.getValue(), "\"" + e.getValue().value() + "\": timer: '" + e.getKey().timer()
                        + "' is not defined (defined: " + names(timers) + ")");
                it.remove();
            }
        }
        return new TimerConfig(timers, execs, stopTimeout);
    }

    private static Duration interval(Setting s, Duration previous, ConfigErrors errors) {
        try {
            return Intervals.parse(s.value());
        } catch (IllegalArgumentException e) {
            errors.add(s, e.getMessage());
            return previous;
        }
    }

    /** The timers in definition order. */
    public List<TimerDefinition> timers() {
        return timers;
    }

    /** Every {@code exec}, in definition order. */
    public List<TimerExec> execs() {
        return List.copyOf(execs.keySet());
    }

    /** The routes of a timer (its name compared case-insensitively), in the order of their {@code exec}s. */
    public List<String> routes(String timer) {
        List<String> out = new ArrayList<>();
        for (TimerExec e : execs.keySet()) {
            if (e.timer().equalsIgnoreCase(timer)) {
                out.add(e.route());
            }
        }
        return out;
    }

    /** How long stopping waits for runs in progress before it interrupts them. */
    public Duration stopTimeout() {
        return stopTimeout;
    }

    /** Reports every {@code exec} whose route is not among {@code bound}, naming its setting. */
    public void checkRoutes(Collection<String> bound, ConfigErrors errors) {
        for (var e : execs.entrySet()) {
            if (!bound.contains(e.getKey().route())) {
                errors.add(e.getValue(), "\"" + e.getValue().value() + "\": route: '" + e.getKey().route()
                        + "' is not bound (bound timer routes: "
                        + (bound.isEmpty() ? "none" : String.join(", ", new TreeSet<>(bound)))
                        + "; bind it with TimerRoutes.bind(binder(), \"" + e.getKey().route() + "\"))");
            }
        }
    }

    private static String key(String timer) {
        return timer.toLowerCase(Locale.ROOT);
    }

    private static String names(List<TimerDefinition> timers) {
        List<String> names = new ArrayList<>();
        for (TimerDefinition t : timers) {
            names.add(t.name());
        }
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    @Override
    public String toString() {
        return "TimerConfig" + timers + execs.keySet();
    }
}
