package org.sipmq.proxy.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounting of input that is not a SIP message the proxy can use: a counter per reason and transport,
 * {@code sipmq.sip.malformed{reason,transport}}, and a sampled log line, at most one WARN per second for the whole
 * proxy, naming the source, the transport and the reason, with the number of malformed messages not logged since the
 * line before. No stack trace: a peer that sends garbage must not be able to fill the log, nor make each message cost
 * more than a counter increment.
 *
 * <p>
 * The reasons are a closed set, and the counters are registered for every reason and transport at once (so a rate is
 * 0, not absent, before the first malformed message), so that no peer can grow the registry.
 *
 * <p>
 * The stack's classes (its logger, its parser) are created by class name and cannot be handed an instance: they find
 * the proxy's through {@link #register} by stack name, as {@link StackValve} finds its proxy.
 */
public final class MalformedInput {
    private static final Logger log = LoggerFactory.getLogger(MalformedInput.class);
    private static final ConcurrentHashMap<String, MalformedInput> STACKS = new ConcurrentHashMap<>();
    /** Longest detail kept in a log line, in characters. */
    static final int MAX_DETAIL = 120;

    /** Why a message was refused; the tag value is the lower-case name. */
    public enum Reason {
        /** Not a SIP message at all: garbage, a start line that is neither a request nor a status line. */
        UNPARSABLE,
        /** The message ended before its headers or its body did. */
        TRUNCATED,
        /** Content-Length absent where needed, not a number, negative, or larger than the body (UDP). */
        CONTENT_LENGTH,
        /** Larger than {@code sip.max_message_size}, or a header part too large. */
        TOO_LARGE,
        /** One of Via, From, To, Call-ID, CSeq missing (Max-Forwards, for a request the proxy forwards). */
        MISSING_HEADER,
        /** A mandatory header (From, To, Call-ID) present but unparsable. */
        BAD_HEADER,
        /** A request line or status line that does not parse (method, URI, version, code). */
        BAD_START_LINE,
        /** CSeq not a number, or its method not the request's. */
        BAD_CSEQ,
        /** Via unparsable (sent-by, protocol, parameters). */
        BAD_VIA,
        /** Max-Forwards not a number 0..255. */
        BAD_MAX_FORWARDS,
        /** A response that matches no transaction and that the proxy does not forward. */
        STRAY_RESPONSE;

        private final String tag = name().toLowerCase(Locale.ROOT);

        public String tag() {
            return tag;
        }
    }

    /** The transport a message came by; the tag value is the lower-case name. */
    public enum Transport {
        UDP, TCP, OTHER;

        private final String tag = name().toLowerCase(Locale.ROOT);

        public String tag() {
            return tag;
        }

        /** {@code "udp"}, {@code "UDP"} -> UDP, ...; anything else (null included) -> OTHER. */
        public static Transport of(String name) {
            if ("udp".equalsIgnoreCase(name)) {
                return UDP;
            }
            return "tcp".equalsIgnoreCase(name) ? TCP : OTHER;
        }
    }

    private final Counter[][] counters = new Counter[Reason.values().length][Transport.values().length];
    private final SampledWarn sampled;
    private volatile boolean parserCounts;
    private volatile int maxHeaderLine = 4096;

    public MalformedInput(MeterRegistry registry) {
        this(registry, System::nanoTime, log::warn);
    }

    /** With a clock ({@link System#nanoTime} semantics) and a sink for the sampled lines, for tests. */
    MalformedInput(MeterRegistry registry, LongSupplier nanoTime, Consumer<String> warn) {
        this.sampled = new SampledWarn(nanoTime, warn);
        for (Reason r : Reason.values()) {
            for (Transport t : Transport.values()) {
                counters[r.ordinal()][t.ordinal()] = Counter.builder("sipmq.sip.malformed").tag("reason", r.tag())
                        .tag("transport", t.tag()).description("SIP messages refused as malformed, by reason")
                        .register(registry);
            }
        }
    }

    /** The longest start line or header line the stack's parser lets through ({@code sip.max_header_line}). */
    int maxHeaderLine() {
        return maxHeaderLine;
    }

    void maxHeaderLine(int bytes) {
        this.maxHeaderLine = bytes;
    }

    /** Makes {@code input} the one the classes of SIP stack {@code stackName} find ({@link #forStack}). */
    public static void register(String stackName, MalformedInput input) {
        STACKS.put(stackName, input);
    }

    public static void unregister(String stackName) {
        STACKS.remove(stackName);
    }

    /** The instance registered for this stack, or null. */
    static MalformedInput forStack(String stackName) {
        return STACKS.get(stackName);
    }

    /**
     * The instance for a stack thread of this name: the stack whose name starts the thread's (the UDP processing
     * threads are named after their stack), else the only one registered, else null. JAIN-SIP logs through one
     * JVM-wide logger and names its TCP threads {@code PipelineThread-N}, so a TCP line cannot tell its stack when
     * several proxies run in one JVM (tests).
     */
    static MalformedInput forThread(String threadName) {
        MalformedInput only = null;
        int n = 0;
        for (var e : STACKS.entrySet()) {
            if (threadName != null && threadName.startsWith(e.getKey() + "-")) {
                return e.getValue();
            }
            only = e.getValue();
            n++;
        }
        return n == 1 ? only : null;
    }

    /** The stack parses with {@link MalformedParserFactory}, which counts every parse failure itself. */
    void parsedByCountingParser() {
        parserCounts = true;
    }

    /** True when the stack's parser counts parse failures: the stack's log lines about them are not counted again. */
    boolean parserCounts() {
        return parserCounts;
    }

    /** Counts one malformed message from {@code host:port} ({@code port} -1 when unknown). */
    public void record(Reason reason, Transport transport, String host, int port) {
        record(reason, transport, host, port, null);
    }

    /**
     * Counts one malformed message, and logs it if no line was logged in the last second. {@code detail} (may be
     * null) is a short description of what is wrong; it comes from the peer's bytes, so it is cut and stripped of
     * control characters before it is logged.
     */
    public void record(Reason reason, Transport transport, String host, int port, String detail) {
        counters[reason.ordinal()][transport.ordinal()].increment();
        sampled.offer(skipped -> {
            StringBuilder line = new StringBuilder(160).append("malformed SIP message from ").append(host == null
                    ? "unknown"
                    : host);
            if (port >= 0) {
                line.append(':').append(port);
            }
            line.append(" over ").append(transport.tag()).append(": ").append(reason.tag());
            if (detail != null && !detail.isEmpty()) {
                line.append(" (").append(printable(detail)).append(')');
            }
            return line.append("; ").append(skipped).append(
                    " more since the last line (counted in sipmq_sip_malformed_total)").toString();
        });
    }

    /** The count of one reason and transport so far. */
    double count(Reason reason, Transport transport) {
        return counters[reason.ordinal()][transport.ordinal()].count();
    }

    /** At most {@link #MAX_DETAIL} characters, each control or non-ASCII character as '?': no forged log lines. */
    static String printable(String s) {
        int n = Math.min(s.length(), MAX_DETAIL);
        StringBuilder b = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > MAX_DETAIL ? b.append("...").toString() : b.toString();
    }
}
