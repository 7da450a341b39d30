package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import org.junit.jupiter.api.Test;

class ValidationTest {
    private static final String INVITE = """
            INVITE sip:bob@example.com SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1
            Max-Forwards: 70
            From: <sip:alice@example.com>;tag=a1
            To: <sip:bob@example.com>
            Call-ID: c1@192.0.2.1
            CSeq: 1 INVITE
            Content-Length: 0

            """;

    private static final String RESPONSE = """
            SIP/2.0 200 OK
            Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1
            From: <sip:alice@example.com>;tag=a1
            To: <sip:bob@example.com>;tag=b1
            Call-ID: c1@192.0.2.1
            CSeq: 1 INVITE
            Content-Length: 0

            """;

    private static String phrase(SIPMessage m) {
        Validation.Problem p = Validation.check(m, null, 4096);
        return p == null ? null : p.phrase();
    }

    private static Validation.Problem checkBytes(String text) throws Exception {
        byte[] raw = text.replace("\n", "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        SIPMessage m = new gov.nist.javax.sip.parser.StringMsgParser().parseSIPMessage(raw, true, false,
                MalformedParserFactory.marking());
        return Validation.check(m, raw, 4096);
    }

    /** {@code text} without its {@code header} line. */
    private static SIPMessage without(String text, String header) {
        String removed = text.replaceAll("(?m)^" + header + ":.*\n", "");
        assertThat(removed).isNotEqualTo(text);
        return SipText.parse(removed);
    }

    @Test
    void aCompleteRequestOrResponseIsValid() {
        assertThat(phrase(SipText.parse(INVITE))).isNull();
        assertThat(phrase(SipText.parse(RESPONSE))).isNull();
    }

    @Test
    void aHeaderLineLongerThanTheBoundIsTooLong() throws Exception {
        String longCallId = "x".repeat(5000);
        Validation.Problem p = checkBytes(INVITE.replace("Call-ID: c1@192.0.2.1", "Call-ID: " + longCallId));
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.phrase()).isEqualTo("Header Too Long");
        assertThat(p.reason()).isEqualTo(MalformedInput.Reason.TOO_LARGE);
        assertThat(checkBytes(INVITE.replace("Call-ID: c1@192.0.2.1", "Call-ID: " + "x".repeat(4000)))).as(
                "a line within the bound").isNull();
    }

    @Test
    void aRequestLineLongerThanTheBoundIsAnUriTooLong() throws Exception {
        Validation.Problem p = checkBytes(INVITE.replace("INVITE sip:bob@example.com", "INVITE sip:" + "b".repeat(
                5000) + "@example.com"));
        assertThat(p.status()).isEqualTo(414);
        assertThat(p.phrase()).isEqualTo("Request-URI Too Long");
    }

    @Test
    void aLongBodyLineIsNotAHeaderLine() throws Exception {
        String withBody = INVITE.replace("Content-Length: 0", "Content-Type: text/plain\nContent-Length: 5002")
                + "y".repeat(5000) + "\n";
        assertThat(checkBytes(withBody)).isNull();
    }

    @Test
    void aViaPortBeyond65535IsABadVia() {
        assertThat(phrase(SipText.parse(INVITE.replace("192.0.2.1:5060;", "192.0.2.1:65536;")))).isEqualTo(
                "Bad Via");
        assertThat(phrase(SipText.parse(INVITE.replace("192.0.2.1:5060;", "192.0.2.1:65535;")))).isNull();
    }

    @Test
    void aViaWithACommentIsABadVia() {
        assertThat(phrase(SipText.parse(INVITE.replace(";branch=z9hG4bK-1", ";branch=z9hG4bK-1 (a comment)"))))
                .isEqualTo("Bad Via");
        assertThat(phrase(SipText.parse(INVITE.replace("Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1",
                "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\nVia: SIP/2.0/UDP 192.0.2.2;x(y)")))).isEqualTo(
                        "Bad Via");
    }

    @Test
    void aDisplayNameThatCannotBeQuotedAgainIsABadFromOrTo() {
        assertThat(phrase(SipText.parse(INVITE.replace("From: <", "From: Ai l\"ce\" <")))).isEqualTo("Bad From");
        assertThat(phrase(SipText.parse(INVITE.replace("To: <", "To: Bob\\ <")))).isEqualTo("Bad To");
        assertThat(phrase(SipText.parse(INVITE.replace("From: <", "From: \"A \\\"B\\\"\" <")))).isNull();
        assertThat(phrase(SipText.parse(INVITE.replace("From: <", "From: Alice Smith <")))).isNull();
    }

    @Test
    void anRportThatIsNoPortNumberIsABadVia() {
        for (String rport : new String[]{"z9hG4bK", "65536", "-1", "123456"}) {
            assertThat(phrase(SipText.parse(INVITE.replace(";branch=z9hG4bK-1", ";branch=z9hG4bK-1;rport=" + rport))))
                    .as(rport).isEqualTo("Bad Via");
        }
        assertThat(phrase(SipText.parse(INVITE.replace(";branch=z9hG4bK-1", ";branch=z9hG4bK-1;rport")))).isNull();
        assertThat(phrase(SipText.parse(INVITE.replace(";branch=z9hG4bK-1", ";branch=z9hG4bK-1;rport=5062"))))
                .isNull();
    }

    @Test
    void aViaHostThatCannotBeEncodedAgainIsABadVia() {
        assertThat(phrase(SipText.parse(INVITE.replace("192.0.2.1:5060;", "12Allow: :5060;")))).isEqualTo("Bad Via");
        for (String host : new String[]{"[2001:db8::1]", "proxy.example.com", "host_1", "[::ffff:192.0.2.1]"}) {
            assertThat(phrase(SipText.parse(INVITE.replace("192.0.2.1:5060;", host + ":5060;")))).as(host).isNull();
        }
    }

    @Test
    void aViaLineWithACommentIsFoundInTheBytesBeforeParsing() {
        for (String m : new String[]{"Via: SIP/2.0/UDP h (c\\\r\n", "v : SIP/2.0/UDP h;x(c\r\n",
                "Via: SIP/2.0/UDP h;branch=z9hG4bK-1,\r\n SIP/2.0/UDP g (c\\\r\n", "CSeq: 1 INVITE\rvia:x(\r\n"}) {
            assertThat(Validation.viaComment(("OPTIONS sip:b@h SIP/2.0\r\n" + m).getBytes(
                    java.nio.charset.StandardCharsets.ISO_8859_1))).as(m).isTrue();
        }
        for (String m : new String[]{"Via: SIP/2.0/UDP h\r\nUser-Agent: x (y)\r\n", "Vias: (x)\r\n",
                "Via: SIP/2.0/UDP h\r\n\r\nv=0 (sdp)\r\n"}) {
            assertThat(Validation.viaComment(("OPTIONS sip:b@h SIP/2.0\r\n" + m).getBytes(
                    java.nio.charset.StandardCharsets.ISO_8859_1))).as(m).isFalse();
        }
    }

    @Test
    void eachMissingMandatoryHeaderIsNamed() {
        for (String header : new String[]{"Via", "Call-ID", "From", "To", "CSeq"}) {
            assertThat(phrase(without(INVITE, header))).as(header).isEqualTo("Missing " + header);
            assertThat(phrase(without(RESPONSE, header))).as("response without " + header).isEqualTo(
                    "Missing " + header);
        }
    }

    @Test
    void aMissingMaxForwardsIsNotAnError() {
        // a proxy adds one (RFC 3261 16.6 step 3)
        assertThat(phrase(without(INVITE, "Max-Forwards"))).isNull();
    }

    @Test
    void aCSeqMethodOtherThanTheRequestsIsAnError() {
        assertThat(phrase(SipText.parse(INVITE.replace("CSeq: 1 INVITE", "CSeq: 1 BYE")))).isEqualTo(
                "CSeq Method Does Not Match");
    }

    @Test
    void aResponsesCSeqMethodIsNotCheckedAgainstAnything() {
        assertThat(phrase(SipText.parse(RESPONSE.replace("CSeq: 1 INVITE", "CSeq: 1 BYE")))).isNull();
    }

    @Test
    void aContentLengthBeyondTheBodyIsAnError() throws Exception {
        // JAIN-SIP's datagram parser refuses such a message itself; a stream's can hand over one with a short body
        SIPMessage m = SipText.parse(INVITE.replace("Content-Length: 0\n\n", "Content-Length: 3\n\nv=0"));
        assertThat(phrase(m)).isNull();
        m.getContentLength().setContentLength(4);
        assertThat(phrase(m)).isEqualTo("Bad Content-Length");
        SIPMessage empty = SipText.parse(INVITE);
        empty.getContentLength().setContentLength(1);
        assertThat(phrase(empty)).isEqualTo("Bad Content-Length");
    }

    @Test
    void overUdpTheParserRefusesAContentLengthBeyondTheBodyBeforeValidationSeesIt() {
        // so such a datagram is counted as unparsable and gets no 400 (RFC 3261 18.3 asks for one: SHOULD)
        String shortBody = INVITE.replace("Content-Length: 0\n\n", "Content-Length: 10\n\nv=0");
        assertThatThrownBy(() -> SipText.parse(shortBody)).hasRootCauseInstanceOf(java.text.ParseException.class)
                .rootCause().hasMessageContaining("content length");
    }

    @Test
    void theFirstProblemIsTheOneReported() {
        String bad = INVITE.replace("CSeq: 1 INVITE", "CSeq: 1 BYE").replaceAll("(?m)^From:.*\n", "");
        assertThat(phrase(SipText.parse(bad))).isEqualTo("Missing From");
    }

    @Test
    void everyProblemHasItsMetricReason() {
        assertThat(Validation.check(without(INVITE, "Via"), null, 4096).reason()).isEqualTo(
                MalformedInput.Reason.MISSING_HEADER);
        assertThat(
                Validation.check(SipText.parse(INVITE.replace("CSeq: 1 INVITE", "CSeq: 1 BYE")), null, 4096).reason())
                .isEqualTo(MalformedInput.Reason.BAD_CSEQ);
    }

    @Test
    void aHeaderTheParserCouldNotReadIsRefusedNotIgnored() throws Exception {
        Validation.Problem p = checkBytes(INVITE.replace("Max-Forwards: 70", "Max-Forwards: lots"));
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.phrase()).isEqualTo("Bad Max-Forwards");
        assertThat(p.reason()).isEqualTo(MalformedInput.Reason.BAD_MAX_FORWARDS);
        assertThat(checkBytes(INVITE.replace("Max-Forwards: 70", "This line has no colon")).phrase()).isEqualTo(
                "Bad Header Line");
    }

    @Test
    void anotherSipVersionGets505() throws Exception {
        Validation.Problem p = checkBytes(INVITE.replace("bob@example.com SIP/2.0", "bob@example.com SIP/3.0"));
        assertThat(p.status()).isEqualTo(505);
        assertThat(checkBytes(INVITE.replace("bob@example.com SIP/2.0", "bob@example.com sip/2.0"))).as(
                "the version is case-insensitive").isNull();
    }

    @Test
    void headersThatAreNotUtf8AreRefusedButAUtf8DisplayNameIsNot() throws Exception {
        assertThat(checkBytes(INVITE.replace("From: <", "From: \u00ff\u00fe <")).phrase()).isEqualTo("Invalid UTF-8");
        String utf8 = new String(INVITE.replace("From: <", "From: \"J\u00fcrgen\" <").getBytes(
                java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(checkBytes(utf8)).isNull();
    }

    @Test
    void aTextBodyWithANulByteIsATruncatedStream() throws Exception {
        SIPMessage m = SipText.parse(INVITE.replace("Content-Length: 0\n\n", "Content-Length: 5\n\nv=0\r\n"));
        assertThat(phrase(m)).isNull();
        m.setMessageContent(new byte[]{'v', '=', '0', 0, 0});
        assertThat(phrase(m)).isEqualTo("Bad Content-Length");
    }

    @Test
    void aRequestWithWhatAResponseCopiesIsAnswerable() {
        assertThat(Validation.answerable((SIPRequest) SipText.parse(INVITE))).isTrue();
        SIPRequest mismatch = (SIPRequest) SipText.parse(INVITE.replace("CSeq: 1 INVITE", "CSeq: 1 BYE"));
        assertThat(Validation.answerable(mismatch)).as("a bad CSeq method is still answered 400").isTrue();
    }

    @Test
    void anAckIsNeverAnswerable() {
        String ack = INVITE.replace("INVITE sip:", "ACK sip:").replace("CSeq: 1 INVITE", "CSeq: 1 ACK");
        assertThat(Validation.answerable((SIPRequest) SipText.parse(ack))).isFalse();
        assertThat(Validation.answerable((SIPRequest) without(ack, "From"))).isFalse();
    }

    @Test
    void aRequestMissingWhatAResponseCopiesIsNotAnswerable() {
        for (String header : new String[]{"Via", "Call-ID", "From", "To", "CSeq"}) {
            assertThat(Validation.answerable((SIPRequest) without(INVITE, header))).as(header).isFalse();
        }
    }
}
