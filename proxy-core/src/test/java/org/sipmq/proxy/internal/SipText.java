package org.sipmq.proxy.internal;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;

/** Real JAIN-SIP messages for transaction tests, parsed from text as the proxy parses a datagram. */
final class SipText {
    static final String CALL_ID = "c0ffee@192.0.2.1";
    static final String FROM_TAG = "a1";

    private SipText() {
    }

    /** Parses {@code text}, its lines ended by LF or CRLF. */
    static SIPMessage parse(String text) {
        return parse(text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    static SIPMessage parse(byte[] bytes) {
        try {
            return new StringMsgParser().parseSIPMessage(bytes, true, false, null);
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException("cannot parse:\n" + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    /** A request from 192.0.2.1:5060 with top Via branch {@code branch}, CSeq 1. */
    static SIPRequest request(String method, String branch) {
        return request(method, branch, "192.0.2.1:5060", 1);
    }

    static SIPRequest request(String method, String branch, String sentBy, int cseq) {
        return (SIPRequest) parse(method + " sip:bob@example.com SIP/2.0\n"
                + "Via: SIP/2.0/UDP " + sentBy + (branch == null ? "" : ";branch=" + branch) + "\n"
                + "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-upstream\n"
                + "Max-Forwards: 70\n"
                + "Route: <sip:next@198.51.100.9;lr>\n"
                + "From: <sip:alice@example.com>;tag=" + FROM_TAG + "\n"
                + "To: <sip:bob@example.com>\n"
                + "Call-ID: " + CALL_ID + "\n"
                + "CSeq: " + cseq + " " + method + "\n"
                + "Contact: <sip:alice@198.51.100.7>\n"
                + "Content-Length: 0\n\n");
    }

    /** A response to {@code request} (its Vias, From, Call-ID and CSeq); a To tag unless it is a 100. */
    static SIPResponse response(SIPRequest request, int code, String toTag) {
        StringBuilder text = new StringBuilder("SIP/2.0 " + code + " " + reason(code) + "\n");
        request.getViaHeaders().forEach(v -> text.append(v.encode()));
        text.append(((gov.nist.javax.sip.header.From) request.getFrom()).encode());
        text.append("To: <sip:bob@example.com>").append(toTag == null ? "" : ";tag=" + toTag).append('\n');
        text.append("Call-ID: ").append(request.getCallId().getCallId()).append('\n');
        text.append("CSeq: ").append(request.getCSeq().getSeqNumber()).append(' ').append(request.getCSeq()
                .getMethod()).append('\n');
        text.append("Content-Length: 0\n\n");
        return (SIPResponse) parse(text.toString());
    }

    /** {@code "INVITE"} for a request, {@code "486"} for a response. */
    static String summary(SIPMessage m) {
        return m instanceof SIPResponse r ? Integer.toString(r.getStatusCode()) : ((SIPRequest) m).getMethod();
    }

    private static String reason(int code) {
        return switch (code) {
            case 100 -> "Trying";
            case 180 -> "Ringing";
            case 200 -> "OK";
            case 404 -> "Not Found";
            case 486 -> "Busy Here";
            case 487 -> "Request Terminated";
            default -> "Whatever";
        };
    }
}
