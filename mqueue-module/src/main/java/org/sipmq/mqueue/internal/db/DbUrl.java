package org.sipmq.mqueue.internal.db;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code db_url} of the queues, parsed once: Kamailio's {@code mysql://user:password@host[:port]/database} or a
 * JDBC URL taken as-is ({@code jdbc:mysql://...}, {@code jdbc:h2:...}). Its {@link #toString()} masks the password, so
 * that it is safe to log and to put in error messages.
 */
public final class DbUrl {
    /** Which SQL the database speaks, as far as this package cares (streaming, batching). */
    public enum Dialect {
        /** MySQL or MariaDB through MySQL Connector/J. */
        MYSQL,
        /** H2, embedded (file or memory) or over TCP. */
        H2
    }

    static final String EXPECTED = "expected: mysql://user:password@host[:port]/database, jdbc:mysql://... or jdbc:h2:...";
    private static final int DEFAULT_PORT = 3306;
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_$-]{1,64}");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern URL_USERINFO = Pattern.compile("//([^/@:]*):[^/@]*@");
    private static final Pattern JDBC_MYSQL_TARGET = Pattern.compile("^jdbc:mysql://(?:[^/@]*@)?([^/?]+)(/[^?;]*)?");

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Dialect dialect;
    private final String masked;
    private final String target;

    private DbUrl(String jdbcUrl, String user, String password, Dialect dialect, String masked, String target) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.dialect = dialect;
        this.masked = masked;
        this.target = target;
    }

    /**
     * Parses a {@code db_url} value.
     *
     * @throws IllegalArgumentException naming the URL (password masked) and the expected forms
     */
    public static DbUrl parse(String raw) {
        Objects.requireNonNull(raw, "raw");
        String url = raw.strip();
        if (url.startsWith("mysql://")) {
            return parseKamailio(url);
        }
        String masked = maskJdbc(url);
        if (url.startsWith("jdbc:mysql:")) {
            Matcher m = JDBC_MYSQL_TARGET.matcher(url);
            if (!m.find()) {
                throw new IllegalArgumentException(
                        "db_url: " + masked + " (expected: jdbc:mysql://host[:port]/database)");
            }
            String target = m.group(1) + (m.group(2) == null ? "" : m.group(2));
            return new DbUrl(url, null, null, Dialect.MYSQL, masked, target);
        }
        if (url.startsWith("jdbc:h2:") && url.length() > "jdbc:h2:".length()) {
            return new DbUrl(h2KeptOpenAtExit(url), null, null, Dialect.H2, masked, masked);
        }
        throw new IllegalArgumentException("db_url: " + (url.isEmpty() ? "\"\"" : masked) + " (" + EXPECTED + ")");
    }

    /**
     * An embedded H2 database closes itself in its own JVM shutdown hook, which may run before ours has saved the
     * queues: it is closed by the pool at stop instead.
     */
    private static String h2KeptOpenAtExit(String url) {
        boolean remote = url.startsWith("jdbc:h2:tcp:") || url.startsWith("jdbc:h2:ssl:");
        if (remote || url.toUpperCase(Locale.ROOT).contains("DB_CLOSE_ON_EXIT")) {
            return url;
        }
        return url + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    private static DbUrl parseKamailio(String url) {
        String rest = url.substring("mysql://".length());
        String user = null;
        String password = null;
        String shown = "mysql://";
        int slash = rest.indexOf('/', rest.lastIndexOf('@') + 1);
        int at = slash < 0 ? rest.lastIndexOf('@') : rest.lastIndexOf('@', slash);
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            int colon = userInfo.indexOf(':');
            user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            password = colon < 0 ? null : userInfo.substring(colon + 1);
            shown += user + (password == null ? "" : ":***") + "@";
            rest = rest.substring(at + 1);
        }
        shown += rest;
        slash = rest.indexOf('/');
        if (slash < 0) {
            throw bad(shown, "no /database");
        }
        String hostPort = rest.substring(0, slash);
        String database = rest.substring(slash + 1);
        if (user != null && user.isEmpty()) {
            throw bad(shown, "empty user");
        }
        if (!DATABASE.matcher(database).matches()) {
            throw bad(shown, "database '" + database + "' is not a plain database name");
        }
        String host = hostPort;
        int port = DEFAULT_PORT;
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0 && !hostPort.endsWith("]")) {
            host = hostPort.substring(0, colon);
            port = parsePort(shown, hostPort.substring(colon + 1));
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> c == '?' || c == '/' || Character.isWhitespace(c))) {
            throw bad(shown, "host '" + host + "' is not a host name or address");
        }
        String target = host + ":" + port + "/" + database;
        return new DbUrl("jdbc:mysql://" + target, user, password, Dialect.MYSQL, shown, target);
    }

    private static int parsePort(String shown, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535 && text.chars().allMatch(Character::isDigit)) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below, with the whole URL
        }
        throw bad(shown, "port '" + text + "' is not 1-65535");
    }

    private static IllegalArgumentException bad(String shown, String what) {
        return new IllegalArgumentException("db_url: " + shown + ": " + what + " (" + EXPECTED + ")");
    }

    private static String maskJdbc(String url) {
        String masked = URL_PASSWORD.matcher(url).replaceAll("$1***");
        return URL_USERINFO.matcher(masked).replaceAll("//$1:***@");
    }

    /**
     * The JDBC URL to connect to: the one given, except that an embedded H2 URL gets {@code ;DB_CLOSE_ON_EXIT=FALSE}
     * unless it sets that itself. May hold a password when the {@code db_url} was a JDBC URL: never log it.
     */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user from a Kamailio-form URL, or null (then the JDBC URL carries it, if any). */
    public String user() {
        return user;
    }

    /** The password from a Kamailio-form URL ({@code ""} when empty), or null. Never log it. */
    public String password() {
        return password;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** What the URL points at, for error messages: {@code 127.0.0.1:3306/test}, or the masked H2 URL. */
    public String target() {
        return target;
    }

    /** The URL as given, with any password replaced by {@code ***}. */
    @Override
    public String toString() {
        return masked;
    }
}
