package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final ProxyMetrics metrics = new ProxyMetrics(registry, () -> 0, () -> 0);

    @Test
    void unknownMethodsShareTheOtherTag() {
        metrics.request("INVITE");
        metrics.request("FOO");
        metrics.request("BAR");
        metrics.rejected("XYZZY");
        assertThat(registry.counter("sipmq.sip.requests", "method", "INVITE").count()).isEqualTo(1.0);
        assertThat(registry.counter("sipmq.sip.requests", "method", "OTHER").count()).isEqualTo(2.0);
        assertThat(registry.counter("sipmq.sip.overload.rejections", "method", "OTHER").count()).isEqualTo(1.0);
        assertThat(registry.find("sipmq.sip.requests").tag("method", "FOO").counter()).isNull();
    }

    @Test
    void completionsAreTaggedByMethodAndTheClassOfTheFinalOrTheOutcome() {
        metrics.admitted("INVITE");
        metrics.admitted("XYZZY");
        metrics.completed("INVITE", 200, null);
        metrics.completed("INVITE", 202, null);
        metrics.completed("INVITE", 408, null);
        metrics.completed("BYE", 0, "expired");
        metrics.completed("XYZZY", 0, "dropped");
        assertThat(registry.counter("sipmq.sip.transactions", "method", "INVITE").count()).isEqualTo(1.0);
        assertThat(registry.counter("sipmq.sip.transactions", "method", "OTHER").count()).isEqualTo(1.0);
        assertThat(registry.counter("sipmq.sip.completions", "method", "INVITE", "outcome", "2xx").count())
                .isEqualTo(2.0);
        assertThat(registry.counter("sipmq.sip.completions", "method", "INVITE", "outcome", "4xx").count())
                .isEqualTo(1.0);
        assertThat(registry.counter("sipmq.sip.completions", "method", "BYE", "outcome", "expired").count())
                .isEqualTo(1.0);
        assertThat(registry.counter("sipmq.sip.completions", "method", "OTHER", "outcome", "dropped").count())
                .isEqualTo(1.0);
    }

    @Test
    void retransmissionsAreReadFromTheTransactionsCounts() {
        Transactions.Retransmissions counts = new Transactions.Retransmissions();
        metrics.retransmissions(counts);
        counts.add(true);
        counts.add(true);
        counts.add(false);
        assertThat(registry.get("sipmq.sip.retransmissions").tag("transaction", "INVITE").functionCounter().count())
                .isEqualTo(2.0);
        assertThat(registry.get("sipmq.sip.retransmissions").tag("transaction", "non-INVITE").functionCounter()
                .count()).isEqualTo(1.0);
    }

    @Test
    void everyStandardMethodKeepsItsName() {
        for (String m : ProxyMetrics.METHODS) {
            metrics.request(m);
            assertThat(registry.counter("sipmq.sip.requests", "method", m).count()).as(m).isEqualTo(1.0);
        }
        assertThat(ProxyMetrics.METHODS).contains("PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "REFER", "UPDATE");
    }
}
