package org.sipmq.mqueue;

import java.util.Objects;

/**
 * One queue's definition, as Kamailio's {@code mqueue} parameter gives it: {@code name=acc;size=100;addmode=2}.
 *
 * @param name the queue name, compared case-sensitively and byte-exact
 * @param size the maximum number of items, 0 for unlimited
 * @param addmode 0 append, 1 unique key keeping the oldest, 2 unique key keeping the newest
 * @param dbmode 0 none, 1 load at start and save at stop, 2 load only, 3 save only
 */
public record MQueueDefinition(String name, int size, int addmode, int dbmode) {
    public MQueueDefinition {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: \"\" (expected: a non-empty queue name)");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
        if (addmode < 0 || addmode > 2) {
            throw new IllegalArgumentException("addmode: " + addmode + " (expected: 0, 1 or 2)");
        }
        if (dbmode < 0 || dbmode > 3) {
            throw new IllegalArgumentException("dbmode: " + dbmode + " (expected: 0, 1, 2 or 3)");
        }
    }

    /** The definition printed back in Kamailio's syntax, so that it parses to an equal definition. */
    @Override
    public String toString() {
        return "name=" + name + ";size=" + size + ";addmode=" + addmode + ";dbmode=" + dbmode;
    }
}
