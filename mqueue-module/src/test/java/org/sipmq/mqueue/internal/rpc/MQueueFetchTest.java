package org.sipmq.mqueue.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.testing.AdminClient.Response;

/** {@code mqueue.fetch} over real HTTP: spec §5, and the RPC handler's own slot (spec §3). */
class MQueueFetchTest {
    private final RpcApp app = RpcApp.start();

    @AfterEach
    void stop() {
        app.close();
    }

    private static String error(int code, String message) {
        return "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"},\"id\":1}";
    }

    @Test
    void takesTheOldestItemAsKeyAndVal() {
        app.queues().queue("cdr").add("k1", "v1");
        app.queues().queue("cdr").add("k2", "v2");

        Response first = app.call("mqueue.fetch", "cdr");
        Response second = app.call("mqueue.fetch", "cdr");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"key\":\"k1\",\"val\":\"v1\"},\"id\":1}");
        assertThat(second.result().toString()).isEqualTo("{\"key\":\"k2\",\"val\":\"v2\"}");
        assertThat(app.queues().queue("cdr").size()).isZero();
    }

    @Test
    void emptyQueueIs404EmptyQueue() {
        Response r = app.call("mqueue.fetch", "cdr");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo(error(404, "Empty queue"));
    }

    @Test
    void missingOrNonStringNameIs500NoQueueName() {
        for (Response r : new Response[]{app.call("mqueue.fetch"), app.call("mqueue.fetch", 7)}) {
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body()).isEqualTo(error(500, "No queue name"));
        }
    }

    @Test
    void emptyNameIs500InvalidQueueName() {
        Response r = app.call("mqueue.fetch", "");

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).isEqualTo(error(500, "Invalid queue name"));
    }

    @Test
    void unknownNameIs500NoSuchQueue() {
        Response r = app.call("mqueue.fetch", "acx");

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).isEqualTo(error(500, "No such queue"));
    }

    @Test
    void emptyKeyAndValueAreAnsweredAsEmptyStrings() {
        app.queues().queue("cdr").add("", "");
        app.queues().queue("cdr").add("k", "");
        app.queues().queue("cdr").add("", "v");

        assertThat(app.call("mqueue.fetch", "cdr").result().toString()).isEqualTo("{\"key\":\"\",\"val\":\"\"}");
        assertThat(app.call("mqueue.fetch", "cdr").result().toString()).isEqualTo("{\"key\":\"k\",\"val\":\"\"}");
        assertThat(app.call("mqueue.fetch", "cdr").result().toString()).isEqualTo("{\"key\":\"\",\"val\":\"v\"}");
    }

    @Test
    void itemLandsInTheRpcHandlersOwnSlot() {
        app.queues().queue("acc").add("k1", "v1");

        app.call("mqueue.fetch", "acc");

        JsonNode slot = app.call("test.slot", "acc").result();
        assertThat(slot.get("key").asText()).isEqualTo("k1");
        assertThat(slot.get("val").asText()).isEqualTo("v1");
        assertThat(app.queues().mqk_get("acc")).as("the test thread's own slot").isNull();
    }

    @Test
    void fetchFromEmptyQueueClearsTheHandlersSlot() {
        app.queues().queue("acc").add("k1", "v1");
        app.call("mqueue.fetch", "acc");

        app.call("mqueue.fetch", "acc");

        assertThat(app.call("test.slot", "acc").result().get("key").isNull()).isTrue();
    }

    @Test
    void fetchFromOneQueueLeavesTheSlotOfAnother() {
        app.queues().queue("acc").add("k1", "v1");
        app.queues().queue("cdr").add("c1", "d1");
        app.call("mqueue.fetch", "acc");

        app.call("mqueue.fetch", "cdr");
        app.call("mqueue.fetch", "cdr");

        assertThat(app.call("test.slot", "acc").result().get("key").asText()).isEqualTo("k1");
    }

    @Test
    void nameHoldingDollarIsTakenLiterally() {
        app.queues().queue("a$b").add("k$ci", "$var(x)");

        Response r = app.call("mqueue.fetch", "a$b");

        assertThat(r.result().toString()).isEqualTo("{\"key\":\"k$ci\",\"val\":\"$var(x)\"}");
        JsonNode slot = app.call("test.slot", "$var(" + MQueueFetch.NAME_VAR + ")").result();
        assertThat(slot.get("var").isNull()).as("the handler's $var is cleared after use").isTrue();
        assertThat(app.call("mqueue.fetch", "$var(q)").body()).isEqualTo(error(500, "No such queue"));
    }

    @Test
    void fetchedItemIsGoneForEveryoneElse() {
        app.queues().queue("cdr").add("k1", "v1");
        app.queues().queue("cdr").add("k2", "v2");

        app.call("mqueue.fetch", "cdr");

        assertThat(app.queues().queue("cdr").poll()).hasValueSatisfying(i -> assertThat(i.key()).isEqualTo("k2"));
    }
}
