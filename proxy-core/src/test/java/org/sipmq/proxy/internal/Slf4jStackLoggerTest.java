package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.internal.MalformedInput.Reason;
import org.sipmq.proxy.internal.MalformedInput.Transport;
import org.slf4j.LoggerFactory;

class Slf4jStackLoggerTest {
    private final Slf4jStackLogger logger = new Slf4jStackLogger();
    private final List<String> sampled = new ArrayList<>();
    private final MalformedInput input = new MalformedInput(new SimpleMeterRegistry(), () -> 0L, sampled::add);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final ch.qos.logback.classic.Logger stackLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(
            "gov.nist.javax.sip");

    @BeforeEach
    void setUp() {
        MalformedInput.register("logger-test", input);
        logged.start();
        stackLog.addAppender(logged);
    }

    @AfterEach
    void tearDown() {
        stackLog.detachAppender(logged);
        MalformedInput.unregister("logger-test");
    }

    private List<ILoggingEvent> warnings() {
        return logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
    }

    @Test
    void aMalformedTcpMessageIsCountedNotLogged() {
        logger.logError("Malformed mandatory headers: closing socket! :Socket[addr=/127.0.0.1,port=40112,localport=5]");
        assertThat(input.count(Reason.BAD_HEADER, Transport.TCP)).isEqualTo(1.0);
        assertThat(sampled).hasSize(1);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void theSocketTableAndAFailedTcpSendAreNotLoggedPerMessage() {
        for (int i = 0; i < 100; i++) {
            logger.logError("Problem sending: sendBytes TCP inAddr 127.0.0.1 port = 9 remoteHost 127.0.0.1");
            logger.logError("{127.0.0.1:9=Socket[addr=/127.0.0.1,port=9,localport=5]}");
            logger.logError("Could not connect to /127.0.0.1:9", new java.io.IOException("Connection refused"));
            logger.logWarning("retry suceeded to peerAddress = /127.0.0.1 peerPortAdvertisedInHeaders = 9");
        }
        assertThat(warnings()).hasSize(1);
        assertThat(warnings().get(0).getFormattedMessage()).startsWith(
                "SIP stack: could not connect over TCP to /127.0.0.1:9 to send a message");
        assertThat(warnings().get(0).getThrowableProxy()).isNull();
    }

    @Test
    void otherErrorsAreLoggedAsBefore() {
        logger.logError("Unexpected exception in the stack", new IllegalStateException("bug"));
        logger.logError("Error while processing incoming UDP packet[1, 2, 3]", new IllegalStateException("bug"));
        assertThat(warnings()).extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR, Level.ERROR);
        assertThat(warnings().get(1).getFormattedMessage()).as("without the datagram's bytes").isEqualTo(
                "Error while processing incoming UDP packet (3 bytes)");
        assertThat(warnings().get(1).getThrowableProxy()).isNotNull();
    }
}
