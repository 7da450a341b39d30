package org.sipmq.proxy.internal.timer;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Kamailio's rtimer intervals: a whole number of seconds, or of microseconds with a {@code u} suffix; ours also take
 * {@code ms} and {@code s}. Zero and negative intervals are errors (Kamailio silently takes its default for 0).
 */
public final class Intervals {
    static final String EXPECTED = "expected: a whole number > 0 of seconds, or with a unit: 2s, 500ms, 250000u;"
            + " at most 365 days";
    private static final Duration MAX = Duration.ofDays(365);

    private Intervals() {
    }

    /** Parses an interval; throws {@link IllegalArgumentException} naming the value and the expectation. */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        String digits;
        ChronoUnit unit;
        if (t.endsWith("ms")) {
            digits = t.substring(0, t.length() - 2);
            unit = ChronoUnit.MILLIS;
        } else if (t.endsWith("u")) {
            digits = t.substring(0, t.length() - 1);
            unit = ChronoUnit.MICROS;
        } else if (t.endsWith("s")) {
            digits = t.substring(0, t.length() - 1);
            unit = ChronoUnit.SECONDS;
        } else {
            digits = t;
            unit = ChronoUnit.SECONDS;
        }
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + text + "' (" + EXPECTED + ")");
        }
        Duration d = Duration.of(Long.parseLong(digits), unit);
        if (d.isZero() || d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("'" + text + "' (" + EXPECTED + ")");
        }
        return d;
    }

    /** Prints an interval back so that {@link #parse} reads it: whole seconds bare (as Kamailio), else microseconds. */
    public static String format(Duration d) {
        if (d.getNano() == 0) {
            return Long.toString(d.getSeconds());
        }
        return d.toNanos() / 1_000 + "u";
    }
}
