package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.internal.MalformedInput.Reason;
import org.sipmq.proxy.internal.MalformedInput.Transport;

class MalformedInputTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> lines = new ArrayList<>();
    private final MalformedInput input = new MalformedInput(registry, now::get, lines::add);

    @AfterEach
    void unregister() {
        MalformedInput.unregister("stack-a");
        MalformedInput.unregister("stack-b");
    }

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void countsEachMessageByReasonAndTransport() {
        input.record(Reason.BAD_CSEQ, Transport.UDP, "10.0.0.1", 5060);
        input.record(Reason.BAD_CSEQ, Transport.UDP, "10.0.0.2", 5060);
        input.record(Reason.BAD_CSEQ, Transport.TCP, "10.0.0.1", 40000);
        assertThat(registry.counter("sipmq.sip.malformed", "reason", "bad_cseq", "transport", "udp").count())
                .isEqualTo(2.0);
        assertThat(input.count(Reason.BAD_CSEQ, Transport.TCP)).isEqualTo(1.0);
    }

    @Test
    void everyReasonAndTransportIsRegisteredAtZeroBeforeTheFirstMessage() {
        assertThat(registry.find("sipmq.sip.malformed").counters()).hasSize(Reason.values().length * Transport
                .values().length).allSatisfy(c -> assertThat(c.count()).isZero());
        assertThat(registry.find("sipmq.sip.malformed").tag("reason", "stray_response").tag("transport", "tcp")
                .counter()).isNotNull();
    }

    @Test
    void firstMessageIsLoggedAtOnceNamingSourceTransportAndReason() {
        input.record(Reason.MISSING_HEADER, Transport.UDP, "192.0.2.7", 5062, "no CSeq");
        assertThat(lines).containsExactly("malformed SIP message from 192.0.2.7:5062 over udp: missing_header"
                + " (no CSeq); 0 more since the last line (counted in sipmq_sip_malformed_total)");
    }

    @Test
    void logsAtMostOneLinePerSecondAndSaysHowManyWereSuppressed() {
        for (int i = 0; i < 2_000; i++) {
            input.record(Reason.UNPARSABLE, Transport.UDP, "192.0.2.7", 5062);
            advanceMillis(1); // 2,000 messages over 2 s
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).endsWith("; 999 more since the last line (counted in sipmq_sip_malformed_total)");
        advanceMillis(1_000);
        input.record(Reason.TOO_LARGE, Transport.TCP, "192.0.2.8", 40001);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2)).startsWith("malformed SIP message from 192.0.2.8:40001 over tcp: too_large;")
                .contains("; 999 more since");
        assertThat(input.count(Reason.UNPARSABLE, Transport.UDP)).isEqualTo(2_000.0);
    }

    @Test
    void theIntervalIsOneSecondExactly() {
        input.record(Reason.UNPARSABLE, Transport.UDP, "h", 1);
        advanceMillis(999);
        input.record(Reason.UNPARSABLE, Transport.UDP, "h", 1);
        assertThat(lines).hasSize(1);
        advanceMillis(1);
        input.record(Reason.UNPARSABLE, Transport.UDP, "h", 1);
        assertThat(lines).hasSize(2);
    }

    @Test
    void unknownSourceIsSaidSo() {
        input.record(Reason.TRUNCATED, Transport.TCP, null, -1);
        assertThat(lines.get(0)).startsWith("malformed SIP message from unknown over tcp: truncated;");
    }

    @Test
    void detailIsCutAndCannotForgeLogLines() {
        input.record(Reason.BAD_VIA, Transport.UDP, "h", 1, "bad\r\n12:00:00 ERROR fake line \u00ff" + "x".repeat(500));
        String line = lines.get(0);
        assertThat(line).doesNotContain("\r").doesNotContain("\n").doesNotContain("\u00ff")
                .contains("(bad??12:00:00 ERROR fake line ?x").contains("...)");
        assertThat(line.length()).isLessThan(300);
    }

    @Test
    void transportTagsAreClosed() {
        assertThat(Transport.of("UDP")).isEqualTo(Transport.UDP);
        assertThat(Transport.of("tcp")).isEqualTo(Transport.TCP);
        assertThat(Transport.of("sctp")).isEqualTo(Transport.OTHER);
        assertThat(Transport.of(null)).isEqualTo(Transport.OTHER);
    }

    @Test
    void stackThreadsFindTheirStacksInstance() {
        MalformedInput a = new MalformedInput(new SimpleMeterRegistry(), now::get, lines::add);
        MalformedInput b = new MalformedInput(new SimpleMeterRegistry(), now::get, lines::add);
        MalformedInput.register("stack-a", a);
        assertThat(MalformedInput.forThread("PipelineThread-3")).as("the only one").isSameAs(a);
        MalformedInput.register("stack-b", b);
        assertThat(MalformedInput.forThread("stack-b-UDPMessageChannelThread-0")).isSameAs(b);
        assertThat(MalformedInput.forStack("stack-a")).isSameAs(a);
        assertThat(MalformedInput.forThread("PipelineThread-3")).as("two stacks: cannot tell").isNull();
        MalformedInput.unregister("stack-b");
        assertThat(MalformedInput.forThread("stack-b-UDPMessageChannelThread-0")).isSameAs(a);
    }
}
