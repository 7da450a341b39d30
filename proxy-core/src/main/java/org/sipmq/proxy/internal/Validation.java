package org.sipmq.proxy.internal;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.sipmq.proxy.internal.MalformedInput.Reason;

/**
 * What makes a message that parsed unusable (RFC 3261 7.3, 8.1.1, 8.2, 18.3): a header the parser could not read (it
 * would otherwise go on as if absent), a missing mandatory header, a CSeq method that is not the request's, a
 * Content-Length beyond the message, a SIP version other than 2.0, bytes that are not UTF-8. Each answer carries the
 * metric reason and the status and reason phrase of the answer, all short and constant.
 */
final class Validation {
    /** Why a message is refused, and how a request is answered when it can be. */
    record Problem(Reason reason, int status, String phrase) {
    }

    private static final Problem MISSING_VIA = missing("Via"), MISSING_CALL_ID = missing("Call-ID"),
            MISSING_FROM = missing("From"), MISSING_TO = missing("To"), MISSING_CSEQ = missing("CSeq"),
            CSEQ_METHOD = new Problem(Reason.BAD_CSEQ, 400, "CSeq Method Does Not Match"),
            CONTENT_LENGTH = new Problem(Reason.CONTENT_LENGTH, 400, "Bad Content-Length"),
            VERSION = new Problem(Reason.BAD_START_LINE, 505, "Version Not Supported"),
            NOT_UTF8 = new Problem(Reason.BAD_HEADER, 400, "Invalid UTF-8"),
            URI_TOO_LONG = new Problem(Reason.TOO_LARGE, 414, "Request-URI Too Long"),
            LINE_TOO_LONG = new Problem(Reason.TOO_LARGE, 400, "Header Too Long"),
            BAD_VIA = new Problem(Reason.BAD_VIA, 400, "Bad Via"),
            BAD_FROM = new Problem(Reason.BAD_HEADER, 400, "Bad From"),
            BAD_TO = new Problem(Reason.BAD_HEADER, 400, "Bad To");

    private Validation() {
    }

    private static Problem missing(String header) {
        return new Problem(Reason.MISSING_HEADER, 400, "Missing " + header);
    }

    /** A Content-Length beyond the body, found when the parser refused the datagram for it. */
    static Problem contentLengthBeyondBody() {
        return CONTENT_LENGTH;
    }

    /**
     * Keeps on the message (its application data) the first problem a parser found, so that the proxy refuses it
     * instead of going on without the header: the stack's channels keep a header that failed unparsed and deliver the
     * message.
     */
    static void mark(SIPMessage message, Problem problem) {
        if (message != null && !(message.getApplicationData() instanceof Problem)) {
            message.setApplicationData(problem);
        }
    }

    /** The problem a parser marked on {@code message}, or null. */
    static Problem marked(SIPMessage message) {
        return message.getApplicationData() instanceof Problem p ? p : null;
    }

    /** The problem of a header the parser could not read (one of {@link MalformedParserFactory#reason}'s). */
    static Problem badHeader(Reason reason, String header) {
        return new Problem(reason, 400, "Bad " + headerName(reason, header));
    }

    /**
     * What only the bytes tell: another SIP version (the parser reads "SIP/3.0" as 2.0), a start line or header line
     * longer than {@code maxLine} bytes ({@code sip.max_header_line}: a 60 KB Call-ID is valid SIP, and the proxy
     * would hold it, its encodings and its copies in every response for a transaction's life), bytes that are not
     * UTF-8.
     */
    static Problem raw(byte[] raw, SIPMessage m, int maxLine) {
        if (m instanceof SIPRequest && !requestLineIsSip20(raw)) {
            return VERSION;
        }
        int longest = longestHeaderLine(raw, maxLine);
        if (longest == 0) {
            return m instanceof SIPRequest ? URI_TOO_LONG : LINE_TOO_LONG;
        }
        if (longest > 0) {
            return LINE_TOO_LONG;
        }
        return headersAreUtf8(raw) ? null : NOT_UTF8;
    }

    /**
     * The index of the first line of the start line and headers longer than {@code maxLine} bytes (0: the start line),
     * or -1 when none is.
     */
    static int longestHeaderLine(byte[] raw, int maxLine) {
        int line = 0;
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n') {
                int length = i - start; // the CR, if any, counted: a byte more does not matter at this bound
                if (length > maxLine) {
                    return line;
                }
                if (length <= 1) {
                    return -1; // the empty line: the body follows
                }
                line++;
                start = i + 1;
            }
        }
        return raw.length - start > maxLine ? line : -1;
    }

    /**
     * What is wrong with {@code m}, or null when it may be processed; {@code raw}, when known, is what it came as, and
     * {@code maxLine} bounds its lines.
     */
    static Problem check(SIPMessage m, byte[] raw, int maxLine) {
        Problem marked = marked(m);
        if (marked != null) {
            return marked;
        }
        Problem bytes = raw == null ? null : raw(raw, m, maxLine);
        if (bytes != null) {
            return bytes;
        }
        if (m.getTopmostVia() == null) {
            return MISSING_VIA;
        }
        if (!isPort(m.getTopmostVia().getPort())) {
            return BAD_VIA; // the parser takes any number: responses could not be sent there
        }
        for (Via v : m.getViaHeaders()) {
            if (!isHost(v.getHost())) {
                return BAD_VIA; // "12Allow:" parses, as an IPv6 address the stack encodes as "[12Allow:]"
            }
            if (hasComment(v)) {
                // RFC 2543's, not RFC 3261's: the parser takes "x;p(c)" as a comment, which with a parameter added
                // (received) encodes as a Via it no longer parses, so the next hop would see no Via at all
                return BAD_VIA;
            }
            String rport = v.getParameter(Via.RPORT);
            if (rport != null && !rport.isEmpty() && !isPortNumber(rport)) {
                return BAD_VIA; // the stack parses it when it clones the Via: NumberFormatException on the worker
            }
        }
        if (m.getCallId() == null) {
            return MISSING_CALL_ID;
        }
        if (m.getFrom() == null) {
            return MISSING_FROM;
        }
        if (m.getTo() == null) {
            return MISSING_TO;
        }
        if (m.getCSeq() == null) {
            return MISSING_CSEQ;
        }
        if (!quotable(m.getFrom().getAddress().getDisplayName())) {
            return BAD_FROM;
        }
        if (!quotable(m.getTo().getAddress().getDisplayName())) {
            return BAD_TO;
        }
        if (m instanceof SIPRequest r && !r.getMethod().equals(r.getCSeq().getMethod())) {
            return CSEQ_METHOD;
        }
        javax.sip.header.ContentLengthHeader cl = m.getContentLength();
        byte[] body = m.getRawContent();
        if (cl != null && cl.getContentLength() > (body == null ? 0 : body.length)) {
            return CONTENT_LENGTH;
        }
        if (body != null && textBody(m) && contains(body, (byte) 0)) {
            // a TCP stream that ended inside the body: the stack pads it with zeros up to the Content-Length
            return CONTENT_LENGTH;
        }
        return null;
    }

    /** SDP and text bodies never hold a NUL byte; nor does a body without a type, which can only be taken as text. */
    private static boolean textBody(SIPMessage m) {
        javax.sip.header.ContentTypeHeader ct = m.getContentTypeHeader();
        return ct == null || "text".equalsIgnoreCase(ct.getContentType()) || "sdp".equalsIgnoreCase(ct
                .getContentSubType());
    }

    private static boolean contains(byte[] bytes, byte b) {
        for (byte x : bytes) {
            if (x == b) {
                return true;
            }
        }
        return false;
    }

    /** The header's name (a constant set: the parser reports only the headers of {@link Reason}), for the phrase. */
    private static String headerName(Reason reason, String header) {
        return switch (reason) {
            case BAD_CSEQ -> "CSeq";
            case BAD_VIA -> "Via";
            case CONTENT_LENGTH -> "Content-Length";
            case BAD_MAX_FORWARDS -> "Max-Forwards";
            case BAD_START_LINE -> "Request-Line";
            case UNPARSABLE -> "Header Line";
            default -> {
                String h = header == null ? "" : header;
                int colon = h.indexOf(':');
                String name = colon > 0 ? h.substring(0, colon).trim() : "";
                yield name.equalsIgnoreCase("From")
                        ? "From"
                        : name.equalsIgnoreCase("To")
                                ? "To"
                                : name
                                        .equalsIgnoreCase("Call-ID") || name.equalsIgnoreCase("i")
                                                ? "Call-ID"
                                                : "Header";
            }
        };
    }

    /** The first line ends with " SIP/2.0" (RFC 3261 7.1: the version is case-insensitive). */
    static boolean requestLineIsSip20(byte[] raw) {
        int end = 0;
        while (end < raw.length && raw[end] != '\r' && raw[end] != '\n') {
            end++;
        }
        String tail = " SIP/2.0";
        if (end < tail.length()) {
            return false;
        }
        for (int i = 0; i < tail.length(); i++) {
            int c = raw[end - tail.length() + i];
            if (Character.toUpperCase(c) != tail.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The start line and headers (not the body, which may be binary) are UTF-8 (RFC 3261 7.3.1), and hold no U+FFFD:
     * the stack's TCP reader decodes a stream as UTF-8 with replacement before its parser sees it, so that is what
     * invalid bytes look like there.
     */
    static boolean headersAreUtf8(byte[] raw) {
        int end = raw.length;
        for (int i = 0; i + 3 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
                end = i;
                break;
            }
        }
        boolean ascii = true;
        for (int i = 0; i < end && ascii; i++) {
            ascii = raw[i] >= 0;
        }
        if (ascii) {
            return true; // the common case, without a decoder
        }
        for (int i = 0; i + 2 < end; i++) {
            if (raw[i] == (byte) 0xEF && raw[i + 1] == (byte) 0xBF && raw[i + 2] == (byte) 0xBD) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(
                    CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw, 0, end));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Deprecated in the stack because RFC 3261 dropped Via comments, which is why a Via that has one is refused. */
    @SuppressWarnings("deprecation")
    private static boolean hasComment(Via via) {
        return via.getComment() != null;
    }

    /**
     * The parser takes {@code From: A "b" <sip:...>} as the display name {@code A "b"}, which the stack encodes in
     * quotes, {@code "A "b""}: a From or To that no parser reads, and the next hop drops the message. A display name
     * is fine when each quote in it is escaped, as it is in one that came quoted.
     */
    static boolean quotable(String displayName) {
        if (displayName == null) {
            return true;
        }
        for (int i = 0; i < displayName.length(); i++) {
            char c = displayName.charAt(i);
            if (c == '\\') {
                if (++i == displayName.length()) {
                    return false; // it would escape the closing quote
                }
            } else if (c == '"') {
                return false;
            }
        }
        return true;
    }

    /**
     * A host as the stack encodes it again in a form its parser reads: a name or IPv4 address (letters, digits, '.',
     * '-', and '_' that some peers use), or an IPv6 reference in brackets (hex digits, ':' and '.').
     */
    static boolean isHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        boolean v6 = host.length() > 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']';
        for (int i = v6 ? 1 : 0; i < (v6 ? host.length() - 1 : host.length()); i++) {
            char c = host.charAt(i);
            boolean ok = v6
                    ? Character.digit(c, 16) >= 0 || c == ':' || c == '.'
                    : c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** 1 to 5 digits, at most 65535 (RFC 3581: rport = "rport" [EQUAL 1*DIGIT]). */
    static boolean isPortNumber(String s) {
        if (s.length() > 5) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(s) <= 65_535;
    }

    /**
     * True when a Via line of {@code raw} (folded lines included, compact form {@code v} too) holds a '(': checked on
     * the bytes before the stack parses them, because jain-sip-ri 1.3's Via parser loops for ever, appending to its
     * comment until the heap is gone, on a comment that ends in a backslash ({@code Via: SIP/2.0/UDP h (c\}). A Via
     * comment is refused after parsing anyway ({@link #check}). The whole message is scanned, body included, so that
     * no idea of where the headers end can differ from the parser's; a message without a '(' costs one scan.
     */
    static boolean viaComment(byte[] raw) {
        int paren = -1;
        for (int i = 0; i < raw.length && paren < 0; i++) {
            paren = raw[i] == '(' ? i : -1;
        }
        if (paren < 0) {
            return false;
        }
        boolean via = false;
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            boolean lineStart = i == 0 || raw[i - 1] == '\n' || raw[i - 1] == '\r';
            if (lineStart && b != '\r' && b != '\n' && b != ' ' && b != '\t') {
                via = isViaName(raw, i); // a continuation line (SP, HT) stays in its header
            }
            if (via && b == '(') {
                return true;
            }
        }
        return false;
    }

    /** The line at {@code start} is a Via header: "Via" or "v", optional whitespace, ':'. */
    private static boolean isViaName(byte[] raw, int start) {
        int i = start;
        int end = raw.length;
        if (i + 3 <= end && (raw[i] | 0x20) == 'v' && (raw[i + 1] | 0x20) == 'i' && (raw[i + 2] | 0x20) == 'a') {
            i += 3;
        } else if ((raw[i] | 0x20) == 'v') {
            i += 1;
        } else {
            return false;
        }
        while (i < end && (raw[i] == ' ' || raw[i] == '\t')) {
            i++;
        }
        return i < end && raw[i] == ':';
    }

    /** A port as a message may carry it: absent (-1) or 0..65535. */
    static boolean isPort(int port) {
        return port >= -1 && port <= 65_535;
    }

    /** True when a response can be built for the request: it has what a response copies, and is not an ACK. */
    static boolean answerable(SIPRequest r) {
        return !"ACK".equals(r.getMethod()) && r.getTopmostVia() != null && r.getCallId() != null && r
                .getFrom() != null && r.getTo() != null && r.getCSeq() != null;
    }
}
