package org.sipmq.proxy.timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.Setting;
import org.sipmq.proxy.internal.timer.Intervals;
import org.sipmq.proxy.internal.timer.Params;

/**
 * One timer, as Kamailio's {@code modparam("rtimer", "timer", "name=t1;interval=1;mode=2")} defines it: a name (unique
 * case-insensitively), the fixed delay between two runs of a worker, and the number of dedicated workers.
 *
 * @param name the timer's name, as written
 * @param interval the delay between the end of a worker's run and the start of its next (and before its first)
 * @param workers how many dedicated workers run the timer's routes, each of them every interval
 */
public record TimerDefinition(String name, Duration interval, int workers) {
    /** The most workers one timer may have. */
    public static final int MAX_WORKERS = 256;

    public TimerDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interval, "interval");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: '' (expected: a non-empty name)");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: 1 to " + MAX_WORKERS + ")");
        }
    }

    /**
     * Parses a {@code timer} string, {@code defaultInterval} standing for a missing {@code interval}.
     *
     * @throws IllegalArgumentException listing every problem of the string (attribute, value, expectation)
     */
    public static TimerDefinition parse(String text, Duration defaultInterval) {
        List<String> problems = new ArrayList<>();
        TimerDefinition d = parse(text, defaultInterval, problems);
        if (d == null) {
            throw new IllegalArgumentException("\"" + text + "\": " + String.join("; ", problems));
        }
        return d;
    }

    /** Parses a {@code timer} setting, reporting each problem to {@code errors}; null when there was any. */
    static TimerDefinition parse(Setting at, Duration defaultInterval, ConfigErrors errors) {
        List<String> problems = new ArrayList<>();
        TimerDefinition d = parse(at.value(), defaultInterval, problems);
        for (String p : problems) {
            errors.add(at, "\"" + at.value() + "\": " + p);
        }
        return d;
    }

    private static TimerDefinition parse(String text, Duration defaultInterval, List<String> problems) {
        List<Params.Param> params;
        try {
            params = Params.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
        String name = null;
        Duration interval = defaultInterval;
        int workers = 1;
        for (Params.Param p : params) {
            switch (p.name()) {
                case "name" -> {
                    if (p.value().isEmpty()) {
                        problems.add("name: '' (expected: a non-empty name)");
                    } else {
                        name = p.value();
                    }
                }
                case "interval" -> {
                    try {
                        interval = Intervals.parse(p.value());
                    } catch (IllegalArgumentException e) {
                        problems.add("interval: " + e.getMessage());
                    }
                }
                case "mode" -> {
                    workers = parseMode(p.value(), problems);
                }
                default -> problems.add(
                        "unknown attribute '" + p.name() + "' (expected: name, interval, mode)");
            }
        }
        if (name == null && params.stream().noneMatch(p -> p.name().equals("name"))) {
            problems.add("name is missing (expected: name=...)");
        }
        return problems.isEmpty() ? new TimerDefinition(name, interval, workers) : null;
    }

    /** Kamailio's mode 0 runs the timer on its shared core timer process, which we do not have: one worker, then. */
    private static int parseMode(String value, List<String> problems) {
        String v = value.strip();
        if (!v.isEmpty() && v.length() <= 4 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int n = Integer.parseInt(v);
            if (n <= MAX_WORKERS) {
                return Math.max(n, 1);
            }
        }
        problems.add("mode: '" + value + "' (expected: the number of workers, 1 to " + MAX_WORKERS + ")");
        return 1;
    }

    /** The definition in Kamailio's syntax, which {@link #parse(String, Duration)} reads back. */
    @Override
    public String toString() {
        return "name=" + Params.quote(name) + ";interval=" + Intervals.format(interval) + ";mode="
                + workers;
    }
}
