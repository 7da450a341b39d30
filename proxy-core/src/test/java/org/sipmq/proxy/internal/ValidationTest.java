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

    /** {@code text} without its {@code header} line. */
    private static SIPMessage without(String text, String header) {
        String removed = text.replaceAll("(?m)^" + header + ":.*\n", "");
        assertThat(removed).isNotEqualTo(text);
        return SipText.parse(removed);
    }

    @Test
    void aCompleteRequestOrResponseIsValid() {
        assertThat(Validation.invalid(SipText.parse(INVITE))).isNull();
        assertThat(Validation.invalid(SipText.parse(RESPONSE))).isNull();
    }

    @Test
    void eachMissingMandatoryHeaderIsNamed() {
        for (String header : new String[]{"Via", "Call-ID", "From", "To", "CSeq"}) {
            assertThat(Validation.invalid(without(INVITE, header))).as(header).isEqualTo("Missing " + header);
            assertThat(Validation.invalid(without(RESPONSE, header))).as("response without " + header).isEqualTo(
                    "Missing " + header);
        }
    }

    @Test
    void aMissingMaxForwardsIsNotAnError() {
        // a proxy adds one (RFC 3261 16.6 step 3)
        assertThat(Validation.invalid(without(INVITE, "Max-Forwards"))).isNull();
    }

    @Test
    void aCSeqMethodOtherThanTheRequestsIsAnError() {
        assertThat(Validation.invalid(SipText.parse(INVITE.replace("CSeq: 1 INVITE", "CSeq: 1 BYE")))).isEqualTo(
                "CSeq Method Does Not Match");
    }

    @Test
    void aResponsesCSeqMethodIsNotCheckedAgainstAnything() {
        assertThat(Validation.invalid(SipText.parse(RESPONSE.replace("CSeq: 1 INVITE", "CSeq: 1 BYE")))).isNull();
    }

    @Test
    void aContentLengthBeyondTheBodyIsAnError() throws Exception {
        // JAIN-SIP's datagram parser refuses such a message itself; a stream's can hand over one with a short body
        SIPMessage m = SipText.parse(INVITE.replace("Content-Length: 0\n\n", "Content-Length: 3\n\nv=0"));
        assertThat(Validation.invalid(m)).isNull();
        m.getContentLength().setContentLength(4);
        assertThat(Validation.invalid(m)).isEqualTo("Bad Content-Length");
        SIPMessage empty = SipText.parse(INVITE);
        empty.getContentLength().setContentLength(1);
        assertThat(Validation.invalid(empty)).isEqualTo("Bad Content-Length");
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
        assertThat(Validation.invalid(SipText.parse(bad))).isEqualTo("Missing From");
    }

    @Test
    void everyReasonPhraseHasAMetricReason() {
        assertThat(Validation.metricReason("Missing Via")).isEqualTo(Validation.MISSING_HEADER);
        assertThat(Validation.metricReason("Missing CSeq")).isEqualTo(Validation.MISSING_HEADER);
        assertThat(Validation.metricReason("CSeq Method Does Not Match")).isEqualTo(Validation.BAD_CSEQ);
        assertThat(Validation.metricReason("Bad Content-Length")).isEqualTo(Validation.CONTENT_LENGTH);
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
