package org.sipmq.mqueue.internal.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A parsed {@code redis_url}: {@code redis://[[user]:password@]host[:port][/database]}. The port defaults to 6379 and
 * the database to 0. {@link #toString()} never shows the password. TLS ({@code rediss://}) is not supported yet.
 */
public record RedisUrl(String host, int port, int database, String user, String password) {
    private static final String EXPECTED = "expected: redis://[[user]:password@]host[:port][/database],"
            + " such as redis://127.0.0.1:6379/0";

    /**
     * @throws IllegalArgumentException naming the bad part and the expected form
     */
    public static RedisUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("\"\" (" + EXPECTED + ")");
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(quoted(text) + ": " + e.getReason() + " (" + EXPECTED + ")");
        }
        String scheme = uri.getScheme();
        if ("rediss".equals(scheme)) {
            throw new IllegalArgumentException(quoted(text) + ": TLS (rediss://) is not supported (expected: redis://"
                    + " on a trusted network, or a TLS tunnel to it)");
        }
        if (scheme == null || !scheme.equals("redis")) {
            throw new IllegalArgumentException(quoted(text) + ": scheme '" + scheme + "' (" + EXPECTED + ")");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException(quoted(text) + ": no host (" + EXPECTED + ")");
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(quoted(text) + ": port " + port + " (expected: 1-65535)");
        }
        int database = 0;
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            String db = path.substring(1);
            if (!db.chars().allMatch(c -> c >= '0' && c <= '9') || db.length() > 5) {
                throw new IllegalArgumentException(quoted(text) + ": database '" + db
                        + "' (expected: a database number such as /0)");
            }
            database = Integer.parseInt(db);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(quoted(text) + ": unexpected '?' or '#' part (" + EXPECTED + ")");
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = decode(info);
            } else {
                user = colon == 0 ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
        }
        return new RedisUrl(host, port, database, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** A bad URL is shown without its user part, which may hold a password. */
    private static String quoted(String text) {
        int at = text.lastIndexOf('@');
        int scheme = text.indexOf("://");
        String shown = at > 0 && scheme >= 0 && at > scheme
                ? text.substring(0, scheme + 3) + "***" + text.substring(at)
                : text;
        return "\"" + shown + "\"";
    }

    /** The URL without its password: {@code redis://***@127.0.0.1:6379/0}. */
    @Override
    public String toString() {
        return "redis://" + (password != null || user != null ? "***@" : "") + host + ":" + port
                + "/" + database;
    }
}
