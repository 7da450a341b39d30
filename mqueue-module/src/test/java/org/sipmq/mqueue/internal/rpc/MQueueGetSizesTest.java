package org.sipmq.mqueue.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sipmq.proxy.testing.AdminClient.Response;

/** {@code mqueue.get_sizes} over real HTTP: spec §5. */
class MQueueGetSizesTest {
    @Test
    void listsEveryQueueNewestDefinitionFirst() {
        try (RpcApp app = RpcApp.start()) {
            app.queues().queue("acc").add("k", "v");
            app.queues().queue("latest").add("k", "v");
            app.queues().queue("latest").add("k2", "v");

            Response r = app.call("mqueue.get_sizes");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.result().toString()).isEqualTo("[{\"name\":\"a$b\",\"size\":0},"
                    + "{\"name\":\"latest\",\"size\":2},{\"name\":\"uniq\",\"size\":0},{\"name\":\"cdr\",\"size\":0},"
                    + "{\"name\":\"acc\",\"size\":1}]");
        }
    }

    @Test
    void answersEmptyArrayWithoutQueues() {
        try (RpcApp app = RpcApp.withoutQueues()) {
            Response r = app.call("mqueue.get_sizes");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":[],\"id\":1}");
        }
    }
}
