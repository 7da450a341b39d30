package org.sipmq.proxy.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages the proxy could not use: counted by reason and transport ({@code sipmq.sip.malformed}), and logged at most
 * once a second, with the source and the reason and how many were not logged since, never with a stack trace: a flood
 * of garbage must cost a counter increment each, not a log line each.
 */
final class MalformedInput {
    private static final Logger log = LoggerFactory.getLogger(MalformedInput.class);
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final MeterRegistry registry;
    private final String owner;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong nextLog = new AtomicLong(System.nanoTime());
    private final AtomicLong unlogged = new AtomicLong();

    MalformedInput(MeterRegistry registry, String owner) {
        this.registry = registry;
        this.owner = owner;
    }

    /** One unusable message; {@code reason} is one of {@link Validation}'s metric reasons. */
    void reject(String transport, String source, String reason, String detail) {
        counters.computeIfAbsent(reason + "|" + transport, k -> Counter.builder("sipmq.sip.malformed").tag("reason",
                reason).tag("transport", transport).description("SIP messages dropped or answered 400 as malformed")
                .register(registry)).increment();
        long now = System.nanoTime();
        long next = nextLog.get();
        if (now - next >= 0 && nextLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            log.warn("SIP proxy {}: malformed message from {} over {}: {} ({}); {} more since the last such line",
                    owner, source, transport, reason, abbreviate(detail), unlogged.getAndSet(0));
        } else {
            unlogged.incrementAndGet();
        }
    }

    /** A parser's message can quote the whole bad header (tens of KB from a hostile peer). */
    private static String abbreviate(String detail) {
        if (detail == null) {
            return "";
        }
        String line = detail.replaceAll("[\\r\\n]+", " ");
        return line.length() <= 160 ? line : line.substring(0, 160) + "...";
    }
}
