package org.sipmq.mqueue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.sipmq.mqueue.internal.redis.RedisUrl;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.config.Setting;

/**
 * The mqueue module's configuration, immutable: the queue definitions in definition order, the raw {@code db_url} and
 * the Redis settings of the {@code backend=redis} queues, and the {@code spool_dir}. Read once from the
 * {@code modparam("mqueue", ...)} lines of the configuration file (spec §1; docs/scale-out.md).
 */
public final class MQueueConfig {
    /** No queues and no database. */
    public static final MQueueConfig EMPTY = new MQueueConfig(List.of(), null, RedisSettings.NONE, null);
    /** Where a queue's spool file goes when {@code spool_dir} is not set: relative to the working directory. */
    public static final String DEFAULT_SPOOL_DIR = "mqueue-spool";

    private static final String PARAMETERS = "mqueue, mqueue_name, mqueue_size, mqueue_addmode, db_url, spool_dir,"
            + " redis_url, redis_buffer, redis_batch, redis_fetch";

    private final List<MQueueDefinition> definitions;
    private final String dbUrl;
    private final RedisSettings redis;
    private final String spoolDir;

    private MQueueConfig(List<MQueueDefinition> definitions, String dbUrl, RedisSettings redis, String spoolDir) {
        this.definitions = List.copyOf(definitions);
        this.dbUrl = dbUrl;
        this.redis = redis;
        this.spoolDir = spoolDir;
    }

    /**
     * A configuration built in code (for tests and embedders), checked like a file.
     *
     * @throws IllegalArgumentException when two definitions share a name, or a queue with dbmode 1-3 has no database
     */
    public static MQueueConfig of(List<MQueueDefinition> definitions, Optional<String> dbUrl) {
        return of(definitions, dbUrl, RedisSettings.NONE);
    }

    /**
     * A configuration built in code with Redis settings, checked like a file.
     *
     * @throws IllegalArgumentException as {@link #of(List, Optional)}, and when a {@code backend=redis} queue has no
     *         or a malformed Redis URL, or a dbmode
     */
    public static MQueueConfig of(List<MQueueDefinition> definitions, Optional<String> dbUrl, RedisSettings redis) {
        Objects.requireNonNull(dbUrl, "dbUrl");
        Objects.requireNonNull(redis, "redis");
        ConfigErrors errors = new ConfigErrors();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < definitions.size(); i++) {
            MQueueDefinition d = definitions.get(i);
            Integer first = seen.putIfAbsent(d.name(), i);
            if (first != null) {
                errors.add("definition " + (i + 1),
                        "mqueue '" + d.name() + "' defined twice (first as definition " + (first + 1) + ")");
            }
            if (d.backend() == MQueueDefinition.Backend.REDIS) {
                String where = "definition " + (i + 1);
                redisProblem(d, redis.url() != null).ifPresent(m -> errors.add(where, m));
            } else if (d.dbmode() != 0 && dbUrl.isEmpty()) {
                errors.add("definition " + (i + 1), noDbUrl(d));
            }
        }
        if (redis.url() != null) {
            try {
                RedisUrl.parse(redis.url());
            } catch (IllegalArgumentException e) {
                errors.add("redis_url", e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors.messages()));
        }
        return new MQueueConfig(definitions, dbUrl.orElse(null), redis, null);
    }

    /** This configuration with another {@code spool_dir} (tests and embedders). */
    public MQueueConfig withSpoolDir(String dir) {
        if (Objects.requireNonNull(dir, "dir").isBlank()) {
            throw new IllegalArgumentException("spool_dir: \"" + dir + "\" (expected: a directory path)");
        }
        return new MQueueConfig(definitions, dbUrl, redis, dir);
    }

    /** A configuration of these queues, without a database. */
    public static MQueueConfig of(MQueueDefinition... definitions) {
        return of(List.of(definitions), Optional.empty());
    }

    /**
     * Reads {@code file.module("mqueue")} in order: {@code mqueue} (a full definition), {@code mqueue_name} (a queue
     * with the {@code mqueue_size}/{@code mqueue_addmode} in force on that line), {@code mqueue_size},
     * {@code mqueue_addmode} and {@code db_url}. Every problem goes to {@code errors}; the result holds the valid
     * definitions, so that the application can still be wired and report the other modules' errors too.
     */
    public static MQueueConfig read(ConfigFile file, ConfigErrors errors) {
        Reader reader = new Reader(errors);
        for (Setting s : file.module("mqueue")) {
            reader.read(s);
        }
        return reader.finish();
    }

    /** Every queue definition, in definition order. */
    public List<MQueueDefinition> definitions() {
        return definitions;
    }

    /** The {@code db_url} as written, for the persistence layer to parse; empty when not given. */
    public Optional<String> dbUrl() {
        return Optional.ofNullable(dbUrl);
    }

    /** The {@code redis_*} settings; {@link RedisSettings#NONE} when none was given. */
    public RedisSettings redis() {
        return redis;
    }

    /** True when some queue has {@code backend=redis}. */
    public boolean hasRedisQueues() {
        return definitions.stream().anyMatch(d -> d.backend() == MQueueDefinition.Backend.REDIS);
    }

    /**
     * {@code spool_dir} (ours): the directory of the spool files, where a graceful stop puts what it could not save
     * into a persisted queue's table; {@link #DEFAULT_SPOOL_DIR} when not set.
     */
    public String spoolDir() {
        return spoolDir == null ? DEFAULT_SPOOL_DIR : spoolDir;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MQueueConfig c && c.definitions.equals(definitions) && Objects.equals(c.dbUrl, dbUrl)
                && c.redis.equals(redis) && Objects.equals(c.spoolDir, spoolDir);
    }

    @Override
    public int hashCode() {
        return Objects.hash(definitions, dbUrl, redis, spoolDir);
    }

    /** Shows the definitions; the database and Redis URLs may hold a password and are never printed. */
    @Override
    public String toString() {
        return "MQueueConfig" + definitions + (dbUrl != null ? " with db_url" : "")
                + (redis.url() != null ? " with redis_url" : "");
    }

    /** Why a {@code backend=redis} queue cannot be built, if it cannot. */
    private static Optional<String> redisProblem(MQueueDefinition d, boolean hasUrl) {
        if (d.dbmode() != 0) {
            return Optional.of("mqueue '" + d.name() + "' has backend=redis and dbmode=" + d.dbmode()
                    + ", but a Redis queue is shared by every node and outlives each of them, so one node's load at"
                    + " start or save at stop would take or duplicate the other nodes' items (expected: dbmode=0 with"
                    + " backend=redis, and Redis's own persistence, appendonly yes; see docs/scale-out.md)");
        }
        if (!hasUrl) {
            return Optional.of("mqueue '" + d.name() + "' has backend=redis but no Redis is configured (expected:"
                    + " modparam(\"mqueue\", \"redis_url\", \"redis://host:port/db\") or backend=local)");
        }
        return Optional.empty();
    }

    private static String noDbUrl(MQueueDefinition d) {
        return "mqueue '" + d.name() + "' has dbmode=" + d.dbmode()
                + " but no database is configured (expected: modparam(\"mqueue\", \"db_url\", \"mysql://user:password@host/db\")"
                + " or dbmode=0)";
    }

    /** The state of one pass over the settings: the globals in force and what was defined where. */
    private static final class Reader {
        private final ConfigErrors errors;
        private final List<MQueueDefinition> definitions = new ArrayList<>();
        private final Map<String, Setting> definedAt = new HashMap<>();
        private int size;
        private int addmode;
        private Setting dbUrl;
        private Setting redisUrl;
        private RedisSettings redis = RedisSettings.NONE;
        private Setting spoolDir;

        Reader(ConfigErrors errors) {
            this.errors = errors;
        }

        void read(Setting s) {
            switch (s.name()) {
                case "mqueue" -> MQueueDefinition.parse(s, errors).ifPresent(d -> define(s, d));
                case "mqueue_name" -> {
                    if (s.value().isEmpty()) {
                        errors.add(s, "\"\" (expected: a non-empty queue name)");
                    } else {
                        define(s, new MQueueDefinition(s.value(), size, addmode, 0));
                    }
                }
                case "mqueue_size" -> size = number(s, Integer.MAX_VALUE, "an integer >= 0", size);
                case "mqueue_addmode" -> addmode = number(s, 2, "0, 1 or 2", addmode);
                case "db_url" -> {
                    if (dbUrl != null) {
                        errors.add(s,
                                "given twice (first at " + dbUrl.where() + "; expected: one db_url for all queues)");
                    } else if (s.value().isBlank()) {
                        errors.add(s, "\"" + s.value() + "\" (expected: mysql://user:password@host[:port]/database)");
                    } else {
                        dbUrl = s;
                    }
                }
                case "spool_dir" -> {
                    if (s.value().isBlank()) {
                        errors.add(s, "\"" + s.value() + "\" (expected: a directory path)");
                    } else if (spoolDir != null) {
                        errors.add(s, "given twice (first at " + spoolDir.where() + "; expected: one spool_dir)");
                    } else {
                        spoolDir = s;
                    }
                }
                case "redis_url" -> readRedisUrl(s);
                case "redis_buffer" -> redis = redis.withBuffer(number(s, 1, Integer.MAX_VALUE, "an integer >= 1",
                        redis.buffer()));
                case "redis_batch" -> redis = redis.withBatch(number(s, 1, 100_000, "an integer 1-100000",
                        redis.batch()));
                case "redis_fetch" -> redis = redis.withFetch(number(s, 1, 100_000, "an integer 1-100000",
                        redis.fetch()));
                default -> errors.add(s, "unknown mqueue parameter '" + s.name() + "' (expected one of: "
                        + PARAMETERS + ")");
            }
        }

        private void readRedisUrl(Setting s) {
            if (redisUrl != null) {
                errors.add(s,
                        "given twice (first at " + redisUrl.where() + "; expected: one redis_url for all queues)");
                return;
            }
            try {
                RedisUrl.parse(s.value());
                redisUrl = s;
                redis = redis.withUrl(s.value());
            } catch (IllegalArgumentException e) {
                errors.add(s, e.getMessage());
                redisUrl = s; // a second line is still a second line
            }
        }

        private void define(Setting s, MQueueDefinition d) {
            Setting first = definedAt.putIfAbsent(d.name(), s);
            if (first != null) {
                errors.add(s, "mqueue '" + d.name() + "' defined twice (first at " + first.where()
                        + "; names are case-sensitive, expected: a unique name)");
                return;
            }
            definitions.add(d);
        }

        private int number(Setting s, int max, String expected, int keep) {
            return number(s, 0, max, expected, keep);
        }

        private int number(Setting s, int min, int max, String expected, int keep) {
            String v = s.value();
            if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                try {
                    int n = Integer.parseInt(v);
                    if (n >= min && n <= max) {
                        return n;
                    }
                } catch (NumberFormatException tooLarge) {
                    // reported below
                }
            }
            errors.add(s, "\"" + v + "\" (expected: " + expected + ")");
            return keep;
        }

        MQueueConfig finish() {
            for (MQueueDefinition d : definitions) {
                if (d.backend() == MQueueDefinition.Backend.REDIS) {
                    // A malformed redis_url was reported at its line: do not report every queue as missing it.
                    redisProblem(d, redisUrl != null).ifPresent(m -> errors.add(definedAt.get(d.name()), m));
                } else if (d.dbmode() != 0 && dbUrl == null) {
                    errors.add(definedAt.get(d.name()), noDbUrl(d));
                }
            }
            return new MQueueConfig(definitions, dbUrl == null ? null : dbUrl.value(), redis,
                    spoolDir == null ? null : spoolDir.value());
        }
    }
}
