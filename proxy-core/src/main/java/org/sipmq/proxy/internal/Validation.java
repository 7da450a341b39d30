package org.sipmq.proxy.internal;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;

/**
 * What makes a message that parsed unusable (RFC 3261 8.1.1, 8.2, 18.3): a missing mandatory header, a CSeq method
 * that is not the request's, a Content-Length beyond the message. Each answer is a reason phrase for the 400 and a
 * metric reason, both short and constant.
 */
final class Validation {
    /** Metric reasons, a closed set so that hostile input cannot grow the registry. */
    static final String MISSING_HEADER = "missing_header", BAD_CSEQ = "bad_cseq", CONTENT_LENGTH = "content_length",
            UNPARSABLE = "unparsable", TOO_LARGE = "too_large";

    private Validation() {
    }

    /** The reason phrase of what is wrong with {@code m}, or null when it may be processed. */
    static String invalid(SIPMessage m) {
        if (m.getTopmostVia() == null) {
            return "Missing Via";
        }
        if (m.getCallId() == null) {
            return "Missing Call-ID";
        }
        if (m.getFrom() == null) {
            return "Missing From";
        }
        if (m.getTo() == null) {
            return "Missing To";
        }
        if (m.getCSeq() == null) {
            return "Missing CSeq";
        }
        if (m instanceof SIPRequest r && !r.getMethod().equals(r.getCSeq().getMethod())) {
            return "CSeq Method Does Not Match";
        }
        javax.sip.header.ContentLengthHeader cl = m.getContentLength();
        byte[] body = m.getRawContent();
        if (cl != null && cl.getContentLength() > (body == null ? 0 : body.length)) {
            return "Bad Content-Length";
        }
        return null;
    }

    /** The metric reason of a reason phrase of {@link #invalid}. */
    static String metricReason(String phrase) {
        if (phrase.startsWith("Missing")) {
            return MISSING_HEADER;
        }
        if (phrase.startsWith("CSeq")) {
            return BAD_CSEQ;
        }
        return CONTENT_LENGTH;
    }

    /** True when a 400 can be built for the request: it has what a response copies, and is not an ACK. */
    static boolean answerable(SIPRequest r) {
        return !"ACK".equals(r.getMethod()) && r.getTopmostVia() != null && r.getCallId() != null && r
                .getFrom() != null && r.getTo() != null && r.getCSeq() != null;
    }
}
