package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.internal.MalformedInput.Reason;
import org.sipmq.proxy.internal.MalformedInput.Transport;
import org.sipmq.proxy.testing.MalformedMessages;

class MalformedParserFactoryTest {
    private final List<String> lines = new ArrayList<>();
    private final MalformedInput input = new MalformedInput(new SimpleMeterRegistry(), () -> 0L, lines::add);
    private final MalformedParserFactory.CountingParser parser = new MalformedParserFactory.CountingParser("parse-it");
    private final MalformedMessages messages = new MalformedMessages("127.0.0.1:5999", "127.0.0.1:5998", "UDP");
    private final List<Class<?>> seenByStack = new ArrayList<>();
    /** As the stack's channels: a bad mandatory header fails the message, another is kept unparsed. */
    private final ParseExceptionListener channel = new ParseExceptionListener() {
        @Override
        @SuppressWarnings("rawtypes")
        public void handleException(ParseException e, SIPMessage m, Class headerClass, String header, String text)
                throws ParseException {
            seenByStack.add(headerClass);
            if (MalformedParserFactory.reason(headerClass) != Reason.BAD_MAX_FORWARDS) {
                throw e;
            }
        }
    };

    MalformedParserFactoryTest() {
        MalformedInput.register("parse-it", input);
    }

    @AfterEach
    void unregister() {
        MalformedInput.unregister("parse-it");
    }

    private byte[] bytes(MalformedMessages.Builder b) {
        return b.bytes();
    }

    @Test
    void badCSeqIsCountedAndStillHandedToTheStack() {
        byte[] m = bytes(messages.request("cseq_not_a_number", 1).header("CSeq", "one INVITE"));
        assertThatThrownBy(() -> parser.parseSIPMessage(m, true, false, channel)).isInstanceOf(ParseException.class);
        assertThat(input.count(Reason.BAD_CSEQ, Transport.OTHER)).isEqualTo(1.0);
        assertThat(seenByStack).hasSize(1);
        assertThat(lines.get(0)).contains("bad_cseq (CSeq: ");
    }

    @Test
    void badViaAndContentLengthHaveTheirReasons() {
        for (var b : List.of(messages.request("bad_via", 1).header("Via", "garbage"), messages.request(
                "content_length_nan", 2).body("x").contentLength("many"))) {
            byte[] m = bytes(b);
            assertThatThrownBy(() -> parser.parseSIPMessage(m, true, false, channel)).isInstanceOf(
                    ParseException.class);
        }
        assertThat(input.count(Reason.BAD_VIA, Transport.OTHER)).isEqualTo(1.0);
        assertThat(input.count(Reason.CONTENT_LENGTH, Transport.OTHER)).isEqualTo(1.0);
    }

    @Test
    void aMessageTheStackKeepsIsCountedOnceAndParsed() throws Exception {
        byte[] m = bytes(messages.request("max_forwards_garbage", 1).method("OPTIONS").header("Max-Forwards",
                "lots"));
        SIPMessage parsed = parser.parseSIPMessage(m, true, false, channel);
        assertThat(parsed).isNotNull();
        assertThat(parsed.getCallId().getCallId()).isEqualTo("flood-max_forwards_garbage-1@udp.flood");
        assertThat(input.count(Reason.BAD_MAX_FORWARDS, Transport.OTHER)).isEqualTo(1.0);
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 20, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aViaCommentIsRefusedBeforeTheStockParserLoopsOnIt() {
        byte[] m = bytes(messages.request("via_comment", 1).header("Via", "SIP/2.0/TCP 127.0.0.1 (c\\"));
        assertThatThrownBy(() -> parser.parseSIPMessage(m, true, false, channel)).isInstanceOf(ParseException.class)
                .hasMessageContaining("Via with a comment");
        assertThat(input.count(Reason.BAD_VIA, Transport.OTHER)).isEqualTo(1.0);
    }

    @Test
    void garbageIsUnparsable() {
        byte[] m = "HELLO WORLD\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parser.parseSIPMessage(m, true, false, channel)).isInstanceOf(ParseException.class);
        double all = 0;
        for (Reason r : Reason.values()) {
            all += input.count(r, Transport.OTHER);
        }
        assertThat(all).as("one count, whatever the reason").isEqualTo(1.0);
    }

    @Test
    void withoutAListenerTheStockBehaviourStays() {
        byte[] m = bytes(messages.request("cseq_not_a_number", 1).header("CSeq", "one INVITE"));
        assertThatThrownBy(() -> parser.parseSIPMessage(m, true, false, null)).isInstanceOf(ParseException.class);
        assertThat(input.count(Reason.BAD_CSEQ, Transport.OTHER)).isEqualTo(1.0);
    }

    @Test
    void aValidMessageCountsNothing() throws Exception {
        byte[] m = bytes(messages.request("valid", 1));
        assertThat(parser.parseSIPMessage(m, true, false, channel)).isNotNull();
        assertThat(lines).isEmpty();
    }
}
