package org.sipmq.proxy.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CoreUptimeTest {
    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private Instant now;

        HandClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void answersCtimeStringsAndWholeSecondsSinceBuilt() {
        HandClock clock = new HandClock(Instant.parse("2026-11-02T08:00:00Z"));
        CoreUptime uptime = new CoreUptime(clock);
        clock.now = clock.now.plus(Duration.ofSeconds(2320, 900_000_000));

        assertThat(uptime.call(JsonNodeFactory.instance.arrayNode()).toString()).isEqualTo(
                "{\"now\":\"Mon Nov  2 08:38:40 2026\",\"up_since\":\"Mon Nov  2 08:00:00 2026\",\"uptime\":2320}");
    }

    @Test
    void twoDigitDayIsNotPadded() {
        HandClock clock = new HandClock(Instant.parse("2026-11-22T08:38:40Z"));

        assertThat(new CoreUptime(clock).call(null).get("now").asText()).isEqualTo("Sun Nov 22 08:38:40 2026");
    }
}
