package org.sipmq.proxy.internal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.sipmq.proxy.admin.RpcMethod;

/**
 * {@code core.uptime}, shaped as Kamailio's: {@code {"now":"Sun Nov 22 08:38:40 2026","up_since":"Sun Nov 22 08:00:00
 * 2026","uptime":2320}} with C's {@code ctime} format in the local time zone and the uptime in whole seconds. The start
 * is when the application was built (the injector created this object eagerly), as Kamailio's is taken early in
 * {@code main}.
 */
final class CoreUptime implements RpcMethod {
    static final String NAME = "core.uptime";
    /** C's {@code ctime()}: {@code "Sun Nov  2 08:38:40 2026"} (day of month padded with a space). */
    static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

    private final Clock clock;
    private final Instant upSince;

    CoreUptime(Clock clock) {
        this.clock = clock;
        this.upSince = clock.instant();
    }

    @Override
    public JsonNode call(JsonNode params) {
        Instant now = clock.instant();
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("now", ctime(now));
        result.put("up_since", ctime(upSince));
        result.put("uptime", Duration.between(upSince, now).toSeconds());
        return result;
    }

    private String ctime(Instant instant) {
        return CTIME.format(ZonedDateTime.ofInstant(instant, clock.getZone()));
    }
}
