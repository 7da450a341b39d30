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
 * {@code sipmq.sip.overload.rejections{method}}, {@code sipmq.sip.udp_reader_takeovers},
 * {@code sipmq.sip.transactions{method}} (requests admitted: a server transaction and the proxy's state made for them),
 * {@code sipmq.sip.completions{method,outcome}} (how each admitted request ended: the class of its final response,
 * {@code 2xx}..{@code 6xx}, or {@code expired}, {@code dropped}), {@code sipmq.sip.retransmissions{transaction}}
 * (requests the proxy's client transactions sent again downstream, Timers A and E). Admitted = completed + in flight,
 * per method: what a bench reads to tell whether the proxy finished every request it took. Counters are cached per tag
 * value. Methods outside the registered set are counted as {@code OTHER}, so that a peer sending made-up methods cannot
 * grow the registry; codes are 100..699.
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
    private final ConcurrentHashMap<String, Counter> admitted = new ConcurrentHashMap<>();
    /** By method, then by outcome: no key is built per request. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> completions = new ConcurrentHashMap<>();
    private static final String[] CLASSES = {"2xx", "3xx", "4xx", "5xx", "6xx"};
    private volatile Transactions.Retransmissions retransmissions;
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

    /** Counts the requests the client transactions of {@code counts} retransmit, by INVITE and non-INVITE. */
    void retransmissions(Transactions.Retransmissions counts) {
        retransmissions = counts; // the meters hold their objects weakly
        for (boolean invite : new boolean[]{true, false}) {
            io.micrometer.core.instrument.FunctionCounter.builder("sipmq.sip.retransmissions", counts, c -> c.count(
                    invite)).tag("transaction", invite ? "INVITE" : "non-INVITE").description(
                            "requests retransmitted downstream by the proxy's client transactions (Timers A, E)")
                    .register(registry);
        }
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

    /** A request got its server transaction and the proxy's state: it is the proxy's to finish. */
    void admitted(String method) {
        admitted.computeIfAbsent(methodTag(method), m -> Counter.builder("sipmq.sip.transactions").tag("method", m)
                .description("requests admitted (a server transaction made)").register(registry)).increment();
    }

    /**
     * An admitted request ended: {@code code} is its final response upstream (tagged by class, {@code 2xx}..), or 0
     * with {@code outcome} {@code expired} or {@code dropped}.
     */
    void completed(String method, int code, String outcome) {
        String o = code >= 200 && code < 700 ? CLASSES[code / 100 - 2] : outcome;
        String m = methodTag(method);
        completions.computeIfAbsent(m, k -> new ConcurrentHashMap<>()).computeIfAbsent(o, k -> Counter.builder(
                "sipmq.sip.completions").tag("method", m).tag("outcome", o).description(
                        "admitted requests ended, by outcome")
                .register(registry)).increment();
    }

    void rejected(String method) {
        rejections
                .computeIfAbsent(methodTag(method),
                        m -> Counter.builder("sipmq.sip.overload.rejections").tag("method", m)
                                .description("requests answered 503 by the overload valve").register(registry))
                .increment();
    }
}
