package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MalformedInputTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MalformedInput malformed = new MalformedInput(registry, "sipmq-proxy-test");
    private final Logger logger = (Logger) LoggerFactory.getLogger(MalformedInput.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private double count(String reason, String transport) {
        return registry.get("sipmq.sip.malformed").tags("reason", reason, "transport", transport).counter().count();
    }

    @Test
    void eachRejectIsCountedByReasonAndTransport() {
        malformed.reject("udp", "192.0.2.1:5060", Validation.UNPARSABLE, "garbage");
        malformed.reject("udp", "192.0.2.1:5060", Validation.UNPARSABLE, "garbage");
        malformed.reject("tcp", "192.0.2.1:5060", Validation.UNPARSABLE, "garbage");
        malformed.reject("udp", "192.0.2.1:5060", Validation.MISSING_HEADER, "Missing Via");
        assertThat(count(Validation.UNPARSABLE, "udp")).isEqualTo(2);
        assertThat(count(Validation.UNPARSABLE, "tcp")).isEqualTo(1);
        assertThat(count(Validation.MISSING_HEADER, "udp")).isEqualTo(1);
    }

    @Test
    void aFloodIsLoggedOnceNamingTheOwnerTheSourceAndTheReasonWithoutAStackTrace() {
        for (int i = 0; i < 1_000; i++) {
            malformed.reject("udp", "192.0.2.1:5060", Validation.UNPARSABLE, "garbage " + i);
        }
        assertThat(count(Validation.UNPARSABLE, "udp")).isEqualTo(1_000);
        assertThat(lines.list).hasSize(1);
        ILoggingEvent line = lines.list.get(0);
        assertThat(line.getFormattedMessage()).contains("sipmq-proxy-test", "192.0.2.1:5060", "udp",
                Validation.UNPARSABLE, "garbage 0");
        assertThat(line.getThrowableProxy()).isNull();
    }

    @Test
    void aHugeDetailIsCutToOneShortLine() {
        malformed.reject("tcp", "192.0.2.1:5060", Validation.UNPARSABLE, "Via: " + "x".repeat(20_000)
                + "\r\nTo: y");
        String message = lines.list.get(0).getFormattedMessage();
        assertThat(message).doesNotContain("\r", "\n").contains("x".repeat(150) + "...").hasSizeLessThan(400);
    }
}
