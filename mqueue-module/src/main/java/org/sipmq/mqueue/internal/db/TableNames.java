package org.sipmq.mqueue.internal.db;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A queue's table is named as the queue, and that name goes into SQL text (no database accepts an identifier as a
 * bound parameter). So only names that cannot break out of an identifier are accepted.
 */
final class TableNames {
    static final String EXPECTED = "expected: a letter or _, then letters, digits or _, at most 64 characters";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private TableNames() {
    }

    static boolean isSafe(String name) {
        return SAFE.matcher(name).matches();
    }

    /** Why the queue's name cannot be its table's name, or empty when it can. */
    static Optional<String> problem(String queue, int dbmode) {
        if (isSafe(queue)) {
            return Optional.empty();
        }
        return Optional.of("mqueue '" + queue + "' has dbmode=" + dbmode
                + " but its name cannot be used as an SQL table name (" + EXPECTED + ")");
    }

    /** The name, checked again at the point of use, so that no caller can bypass the check. */
    static String checked(String name) {
        if (!isSafe(name)) {
            throw new IllegalArgumentException("table name '" + name + "' (" + EXPECTED + ")");
        }
        return name;
    }
}
