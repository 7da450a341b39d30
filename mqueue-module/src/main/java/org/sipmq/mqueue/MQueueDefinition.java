package org.sipmq.mqueue;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.sipmq.mqueue.internal.DefinitionParser;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigException;
import org.sipmq.proxy.config.Setting;

/**
 * One queue's definition, as Kamailio's {@code mqueue} parameter gives it: {@code name=acc;size=100;addmode=2}.
 *
 * @param name the queue name, compared case-sensitively and byte-exact
 * @param size the maximum number of items, 0 for unlimited
 * @param addmode 0 append, 1 unique key keeping the oldest, 2 unique key keeping the newest
 * @param dbmode 0 none, 1 load at start and save at stop, 2 load only, 3 save only
 * @param backend where the items live: this node's memory (Kamailio's only kind) or Redis, shared by every node
 */
public record MQueueDefinition(String name, int size, int addmode, int dbmode, Backend backend) {
    /** Where a queue's items live ({@code backend=local|redis}; docs/scale-out.md). */
    public enum Backend {
        /** In this node's memory, as in Kamailio. */
        LOCAL,
        /** In Redis, shared by every node that defines the queue with the same {@code redis_url}. */
        REDIS;

        /** The attribute value: {@code local} or {@code redis}. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A local queue: Kamailio's four attributes. */
    public MQueueDefinition(String name, int size, int addmode, int dbmode) {
        this(name, size, addmode, dbmode, Backend.LOCAL);
    }

    public MQueueDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(backend, "backend");
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

    /**
     * Parses one {@code mqueue} definition string (spec §1.1): Kamailio's syntax, plus our stricter checks.
     *
     * @throws ConfigException listing every error of the string, each naming it, the attribute and the expectation
     */
    public static MQueueDefinition parse(String text) {
        Objects.requireNonNull(text, "text");
        List<String> errors = new ArrayList<>();
        DefinitionParser.Parsed parsed = DefinitionParser.parse(text,
                message -> errors.add("mqueue \"" + text + "\": " + message));
        if (parsed == null) {
            throw new ConfigException(errors);
        }
        return of(parsed);
    }

    /**
     * Parses the value of an {@code mqueue} setting, reporting every error to {@code errors} with the setting's file
     * and line; empty when there was any error.
     */
    public static Optional<MQueueDefinition> parse(Setting setting, ConfigErrors errors) {
        String text = setting.value();
        return Optional.ofNullable(
                DefinitionParser.parse(text, message -> errors.add(setting, "\"" + text + "\": " + message)))
                .map(MQueueDefinition::of);
    }

    private static MQueueDefinition of(DefinitionParser.Parsed p) {
        return new MQueueDefinition(p.name(), p.size(), p.addmode(), p.dbmode(),
                Backend.valueOf(p.backend().toUpperCase(java.util.Locale.ROOT)));
    }

    /**
     * The definition printed back in Kamailio's syntax, so that it parses to an equal definition ({@code ;backend=redis}
     * only for a Redis queue, so that a local queue prints as Kamailio would read it). The name is quoted
     * when it holds a space, {@code ;}, {@code ,}, {@code =} or a quote. A name holding both {@code "} and {@code '}
     * (possible through {@code mqueue_name} only) cannot be quoted in Kamailio's syntax and is printed as is.
     */
    @Override
    public String toString() {
        return "name=" + quoteIfNeeded(name) + ";size=" + size + ";addmode=" + addmode + ";dbmode=" + dbmode
                + (backend == Backend.LOCAL ? "" : ";backend=" + backend.value());
    }

    private static String quoteIfNeeded(String name) {
        boolean plain = true;
        for (int i = 0; i < name.length() && plain; i++) {
            char c = name.charAt(i);
            plain = !(Character.isWhitespace(c) || c == ';' || c == ',' || c == '=' || c == '"' || c == '\'');
        }
        if (plain) {
            return name;
        }
        return name.indexOf('"') < 0 ? '"' + name + '"' : "'" + name + "'";
    }
}
