package org.sipmq.mqueue.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueueConfig;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.testing.PrometheusText;

class MQueueMetricsTest {
    @Test
    void metricsParseAsPrometheusTextAndMoveAsQueuesAreUsed() {
        try (RpcApp app = RpcApp.start()) {
            PrometheusText before = app.client.metrics();
            assertThat(before.value("mqueue_size", "queue", "acc")).isZero();
            assertThat(before.value("mqueue_size_limit", "queue", "acc")).isEqualTo(3.0);
            assertThat(before.value("mqueue_size_limit", "queue", "cdr")).isZero();
            assertThat(before.value("mqueue_adds_total", "queue", "acc")).isZero();
            assertThat(before.value("mqueue_oldest_age_seconds", "queue", "acc")).isZero();
            assertThat(before.type("mqueue_size")).isEqualTo("gauge");

            for (int i = 1; i <= 4; i++) {
                app.call("mqueue.add", "acc", "k" + i, "v");
            }
            app.call("mqueue.add", "uniq", "k", "v");
            app.call("mqueue.add", "uniq", "k", "v");
            app.call("mqueue.add", "latest", "k", "v");
            app.call("mqueue.add", "latest", "k", "v");
            app.call("mqueue.fetch", "acc");
            app.advanceNanos(1_500_000_000L);

            PrometheusText after = app.client.metrics();
            assertThat(after.value("mqueue_size", "queue", "acc")).isEqualTo(2.0);
            assertThat(after.value("mqueue_adds_total", "queue", "acc")).isEqualTo(4.0);
            assertThat(after.value("mqueue_evictions_total", "queue", "acc")).isEqualTo(1.0);
            assertThat(after.value("mqueue_fetches_total", "queue", "acc")).isEqualTo(1.0);
            assertThat(after.value("mqueue_oldest_age_seconds", "queue", "acc")).isEqualTo(1.5);
            assertThat(after.value("mqueue_duplicates_ignored_total", "queue", "uniq")).isEqualTo(1.0);
            assertThat(after.value("mqueue_replaced_total", "queue", "latest")).isEqualTo(1.0);
            assertThat(after.value("mqueue_size", "queue", "a$b")).isZero();
        }
    }

    @Test
    void stopRemovesTheMetersAndStartBindsThemOnce() {
        MQueues queues = MQueueModule.queues(MQueueConfig.of(new MQueueDefinition("acc", 0, 0, 0),
                new MQueueDefinition("cdr", 0, 0, 0)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MQueueMetrics metrics = new MQueueMetrics(queues, registry);

        metrics.start();
        metrics.start();
        assertThat(registry.getMeters()).hasSize(18);
        assertThat(registry.get("mqueue.size").tag("queue", "cdr").gauge().value()).isZero();

        metrics.stop();
        metrics.stop();
        assertThat(registry.getMeters()).isEmpty();
    }
}
