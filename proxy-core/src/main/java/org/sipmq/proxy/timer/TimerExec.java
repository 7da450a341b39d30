package org.sipmq.proxy.timer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.Setting;
import org.sipmq.proxy.internal.timer.Params;

/**
 * One {@code modparam("rtimer", "exec", "timer=t1;route=ACC_DRAIN")}: the named {@link TimerRoute} runs on every
 * worker of the timer, after the routes of the earlier {@code exec}s of that timer.
 *
 * @param timer the timer's name, as written (timer names are case-insensitive)
 * @param route the route's name, as bound with {@link TimerRoutes} (case-sensitive)
 */
public record TimerExec(String timer, String route) {
    public TimerExec {
        Objects.requireNonNull(timer, "timer");
        Objects.requireNonNull(route, "route");
    }

    /**
     * Parses an {@code exec} string.
     *
     * @throws IllegalArgumentException listing every problem of the string
     */
    public static TimerExec parse(String text) {
        List<String> problems = new ArrayList<>();
        TimerExec e = parse(text, problems);
        if (e == null) {
            throw new IllegalArgumentException("\"" + text + "\": " + String.join("; ", problems));
        }
        return e;
    }

    /** Parses an {@code exec} setting, reporting each problem to {@code errors}; null when there was any. */
    static TimerExec parse(Setting at, ConfigErrors errors) {
        List<String> problems = new ArrayList<>();
        TimerExec e = parse(at.value(), problems);
        for (String p : problems) {
            errors.add(at, "\"" + at.value() + "\": " + p);
        }
        return e;
    }

    private static TimerExec parse(String text, List<String> problems) {
        List<Params.Param> params;
        try {
            params = Params.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
        String timer = null;
        String route = null;
        for (Params.Param p : params) {
            switch (p.name()) {
                case "timer" -> timer = p.value();
                case "route" -> route = p.value();
                default -> problems.add("unknown attribute '" + p.name() + "' (expected: timer, route)");
            }
        }
        if (timer == null || timer.isEmpty()) {
            problems.add((timer == null ? "timer is missing" : "timer: ''") + " (expected: timer=<a timer's name>)");
        }
        if (route == null || route.isEmpty()) {
            problems.add((route == null ? "route is missing" : "route: ''") + " (expected: route=<a route's name>)");
        }
        return problems.isEmpty() ? new TimerExec(timer, route) : null;
    }

    /** The definition in Kamailio's syntax, which {@link #parse(String)} reads back. */
    @Override
    public String toString() {
        return "timer=" + Params.quote(timer) + ";route=" + Params.quote(route);
    }
}
