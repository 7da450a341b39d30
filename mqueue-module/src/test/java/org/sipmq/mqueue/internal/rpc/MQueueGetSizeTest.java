package org.sipmq.mqueue.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.testing.AdminClient.Response;

/** {@code mqueue.get_size} over real HTTP: spec §5. */
class MQueueGetSizeTest {
    private final RpcApp app = RpcApp.start();

    @AfterEach
    void stop() {
        app.close();
    }

    private static String error(int code, String message) {
        return "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"},\"id\":1}";
    }

    @Test
    void answersNameAndSize() {
        app.queues().queue("acc").add("k1", "v1");
        app.queues().queue("acc").add("k2", "v2");

        Response r = app.call("mqueue.get_size", "acc");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"name\":\"acc\",\"size\":2},\"id\":1}");
    }

    @Test
    void emptyQueueHasSizeZero() {
        assertThat(app.call("mqueue.get_size", "cdr").result().toString()).isEqualTo("{\"name\":\"cdr\",\"size\":0}");
    }

    @Test
    void fetchedItemsAreNotCounted() {
        app.queues().queue("cdr").add("k1", "v1");
        app.queues().queue("cdr").add("k2", "v2");

        app.call("mqueue.fetch", "cdr");

        assertThat(app.call("mqueue.get_size", "cdr").result().get("size").asInt()).isEqualTo(1);
    }

    @Test
    void missingNameIs400NoQueueName() {
        Response r = app.call("mqueue.get_size");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo(error(400, "No queue name"));
        assertThat(app.client.post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":\"mqueue.get_size\",\"id\":1}").body())
                .isEqualTo(error(400, "No queue name"));
    }

    @Test
    void nonStringNameIs400NoQueueName() {
        for (Object name : new Object[]{42, List.of("acc"), true}) {
            Response r = app.call("mqueue.get_size", name);
            assertThat(r.status()).as("%s", name).isEqualTo(400);
            assertThat(r.body()).isEqualTo(error(400, "No queue name"));
        }
        assertThat(app.client.post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":\"mqueue.get_size\",\"params\":[null],"
                + "\"id\":1}").body()).isEqualTo(error(400, "No queue name"));
    }

    @Test
    void emptyNameIs400InvalidQueueName() {
        Response r = app.call("mqueue.get_size", "");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo(error(400, "Invalid queue name"));
    }

    @Test
    void unknownNameIs404NoSuchQueue() {
        Response r = app.call("mqueue.get_size", "acx");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo(error(404, "No such queue"));
    }

    @Test
    void nameIsCaseSensitiveAndNeverEvaluated() {
        assertThat(app.call("mqueue.get_size", "ACC").status()).isEqualTo(404);
        assertThat(app.call("mqueue.get_size", "$var(q)").status()).isEqualTo(404);
        assertThat(app.call("mqueue.get_size", "a$b").result().toString()).isEqualTo("{\"name\":\"a$b\",\"size\":0}");
    }

    @Test
    void namedParamIsTakenByPositionAsKamailioDoes() {
        Response r = app.client.post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":\"mqueue.get_size\","
                + "\"params\":{\"name\":\"acc\"},\"id\":1}");

        assertThat(r.result().toString()).isEqualTo("{\"name\":\"acc\",\"size\":0}");
    }
}
