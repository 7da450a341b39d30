package org.sipmq.proxy.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The proxy's meters: {@code sipmq.sip.requests{method}} received, {@code sipmq.sip.replies{code}} sent upstream,
 * {@code sipmq.sip.in_flight} (gauge), {@code sipmq.sip.stack_transactions} (gauge),
 * {@code sipmq.sip.overload.rejections{method}}, {@code sipmq.sip.udp_reader_takeovers}. Counters are cached per tag value. Methods outside the registered set
 * are counted as {@code OTHER}, so that a peer sending made-up methods cannot grow the registry; codes are 100..699.
 */
final class ProxyMetrics {
    /** The tag of every method not in {@link #METHODS}. */
    static final String OTHER = "OTHER";
    /** RFC 3261 and its extensions' methods (IANA SIP methods registry), tagged by name. */
    static final Set<String> METHODS = Set.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK",
            "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE");

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Counter> replies = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> rejections = new ConcurrentHashMap<>();
    private volatile Supplier<Number> takeovers;

    ProxyMetrics(MeterRegistry registry, Supplier<Number> inFlight, Supplier<Number> stackTransactions) {
        this.registry = registry;
        Gauge.builder("sipmq.sip.in_flight", inFlight).description("requests accepted and not yet answered finally")
                .strongReference(true).register(registry);
        Gauge.builder("sipmq.sip.stack_transactions", stackTransactions)
                .description("server and client transactions held by the SIP stack").strongReference(true)
                .register(registry);
    }

    /** Counts the UDP reading threads replaced because one datagram's work held them (a hook that blocks). */
    void readerTakeovers(Supplier<Number> count) {
        takeovers = count; // the meter holds its object weakly
        io.micrometer.core.instrument.FunctionCounter.builder("sipmq.sip.udp_reader_takeovers", count, c -> c.get()
                .doubleValue()).description("UDP reading threads replaced because a hook held one").register(
                        registry);
    }

    static String methodTag(String method) {
        return METHODS.contains(method) ? method : OTHER;
    }

    void request(String method) {
        requests.computeIfAbsent(methodTag(method), m -> Counter.builder("sipmq.sip.requests").tag("method", m)
                .description("SIP requests received").register(registry)).increment();
    }

    void reply(int code) {
        replies.computeIfAbsent(code, c -> Counter.builder("sipmq.sip.replies").tag("code", Integer.toString(c))
                .description("SIP responses sent upstream").register(registry)).increment();
    }

    void rejected(String method) {
        rejections
                .computeIfAbsent(methodTag(method),
                        m -> Counter.builder("sipmq.sip.overload.rejections").tag("method", m)
                                .description("requests answered 503 by the overload valve").register(registry))
                .increment();
    }
}
