package org.sipmq.proxy.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sipmq.proxy.internal.MalformedInput.Reason;
import org.sipmq.proxy.internal.MalformedInput.Transport;

/**
 * Reads the lines JAIN-SIP (jain-sip-ri 1.3.0-91) logs about a message it could not use, so that
 * {@link Slf4jStackLogger} counts them as malformed input instead of logging an ERROR with a stack trace (and the
 * peer's bytes) for each. Only the stack's own failures on a message are taken: an exception that passed through the
 * proxy's code ({@code org.sipmq}) is a real error and stays one.
 */
final class StackLogLines {
    /** {@code Socket[addr=/127.0.0.1,port=40112,localport=5060]}, as the stack prints a TCP socket. */
    private static final Pattern SOCKET = Pattern.compile("Socket\\[addr=[^/,\\]]*/([^,\\]]+),port=(\\d+)");
    /** The datagram the UDP channel appends to its error line, as a list of byte values. */
    private static final Pattern PACKET = Pattern.compile("\\[-?\\d+(, -?\\d+)*]");
    /** Getters of the headers the stack needs, named in a NullPointerException's helpful message. */
    private static final Pattern MISSING = Pattern.compile(
            "get(CSeq|CSeqHeader|From|FromHeader|To|ToHeader|CallId|CallIdHeader|TopmostVia|ViaHeaders|Via)\\(\\)");

    /**
     * A malformed message, as far as the line tells: host null and port -1 when it does not say. {@code parseFailure}:
     * the line follows a parse failure, which {@link MalformedParserFactory} counts when the stack uses it.
     */
    record Malformed(Reason reason, Transport transport, String host, int port, String detail, boolean parseFailure) {
        Malformed(Reason reason, Transport transport, String host, int port, String detail) {
            this(reason, transport, host, port, detail, false);
        }
    }

    private StackLogLines() {
    }

    /** The malformed message this ERROR line is about, or null when the line is about something else. */
    static Malformed malformed(String message, Throwable e, String threadName) {
        if (message == null) {
            return null;
        }
        if (message.startsWith("Malformed mandatory headers: closing socket!")) {
            // TCPMessageChannel.handleException: From, To, Call-ID, CSeq, Via, Content-Length or the start line
            Malformed m = fromSocket(Reason.BAD_HEADER, message, "a mandatory header or the start line did not parse");
            return new Malformed(m.reason(), m.transport(), m.host(), m.port(), m.detail(), true);
        }
        if (message.startsWith("Exception Reading Content")) {
            return fromSocket(Reason.TRUNCATED, message, "the body ended before its Content-Length");
        }
        if (message.startsWith("Error while processing incoming UDP packet")) {
            if (e == null || passedThroughSipmq(e)) {
                return null;
            }
            String m = String.valueOf(e.getMessage());
            Reason reason = e instanceof NullPointerException && MISSING.matcher(m).find()
                    ? Reason.MISSING_HEADER
                    : Reason.UNPARSABLE;
            return new Malformed(reason, Transport.UDP, null, -1, e.getClass().getSimpleName() + ": " + m);
        }
        if (message.startsWith("bad message ")) {
            return new Malformed(Reason.MISSING_HEADER, transportOf(threadName), null, -1,
                    "no From, To, Call-ID, CSeq or Via");
        }
        if (message.startsWith("Dropping Badly formatted response message")
                || message.startsWith("Dropping response message with invalid tag")) {
            return new Malformed(Reason.BAD_HEADER, transportOf(threadName), null, -1, "response dropped by the stack");
        }
        return null;
    }

    /**
     * Lines that only accompany another one: the second line of a dropped message, and the stack's dump of its whole
     * TCP socket table after a failed send (one entry per connection: under a flood of connections, kilobytes per
     * line). They are logged at DEBUG.
     */
    static boolean companion(String message) {
        return message != null && (message.startsWith(">>> Dropped Bad Msg") || message.startsWith("{") && message
                .endsWith("}") && (message.length() == 2 || message.contains("=Socket[")));
    }

    /**
     * The line that ends one failed TCP connect of the stack ({@code Could not connect to /host:port}): the stack
     * sends an answer to a peer whose connection is gone by connecting to it again, then to its Via's sent-by, and
     * logs five to eight lines at ERROR and WARN for each, some with a stack trace. Under a flood of short connections,
     * per message. Returns the address it could not reach, or null for any other line.
     */
    static String tcpConnectFailure(String message) {
        return message != null && message.startsWith("Could not connect to ") ? message.substring(21).trim() : null;
    }

    /** The other lines of a failed TCP send ({@link #tcpConnectFailure}), logged at DEBUG. */
    static boolean tcpSendCompanion(String message, Throwable e) {
        if (message == null) {
            return false;
        }
        for (String start : TCP_SEND_LINES) {
            if (message.startsWith(start)) {
                return true;
            }
        }
        return message.startsWith("Error is") && e instanceof java.io.IOException;
    }

    private static final java.util.List<String> TCP_SEND_LINES = java.util.List.of("Problem connecting ",
            "Problem sending: sendBytes TCP", "Couldn't connect to peerAddress", "Couldn't connect to receiverAddress",
            "Failed to connect ", "There was an exception for the retry mechanism",
            "There was no exception for the retry mechanism", "retry suceeded to", "Old socket ", "New socket ",
            // a keep-alive (CRLF CRLF) from a peer whose connection is gone: the stack's answering CRLF cannot go
            "A problem occured while trying to send a single CLRF in response to a double CLRF");

    /** The line without the datagram's bytes the UDP channel appends to it (kilobytes of peer data). */
    static String withoutPacket(String message) {
        if (message == null || !message.startsWith("Error while processing incoming UDP packet")) {
            return message;
        }
        Matcher m = PACKET.matcher(message);
        return m.find() ? message.substring(0, m.start()) + " (" + m.group().split(",").length + " bytes)" : message;
    }

    private static Malformed fromSocket(Reason reason, String message, String detail) {
        Matcher m = SOCKET.matcher(message);
        return m.find()
                ? new Malformed(reason, Transport.TCP, m.group(1), Integer.parseInt(m.group(2)), detail)
                : new Malformed(reason, Transport.TCP, null, -1, detail);
    }

    private static Transport transportOf(String threadName) {
        if (threadName == null) {
            return Transport.OTHER;
        }
        if (threadName.contains("UDPMessageChannelThread")) {
            return Transport.UDP;
        }
        return threadName.startsWith("PipelineThread") || threadName.contains("TCP")
                ? Transport.TCP
                : Transport.OTHER;
    }

    private static boolean passedThroughSipmq(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement f : t.getStackTrace()) {
                if (f.getClassName().startsWith("org.sipmq.")
                        && !f.getClassName().startsWith(UdpProcessorFactory.class.getName())) {
                    return true;
                }
            }
        }
        return false;
    }
}
