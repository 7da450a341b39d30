package org.sipmq.mqueue.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.internal.QueueLimits;
import org.sipmq.proxy.testing.AdminClient.Response;

/** {@code mqueue.add} (ours) over real HTTP. */
class MQueueAddTest {
    private final RpcApp app = RpcApp.start();

    @AfterEach
    void stop() {
        app.close();
    }

    private static String error(int code, String message) {
        return "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"},\"id\":1}";
    }

    @Test
    void addsAnItemAtTheTailAndAnswersEmptyObject() {
        app.queues().queue("cdr").add("k1", "v1");

        Response r = app.call("mqueue.add", "cdr", "k2", "v2");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{},\"id\":1}");
        assertThat(app.queues().queue("cdr").drainAll()).containsExactly(new MQueueItem("k1", "v1"),
                new MQueueItem("k2", "v2"));
    }

    @Test
    void keyAndValueAreLiteralAndMayBeEmpty() {
        app.call("mqueue.add", "cdr", "$ci", "$var(x) $rm");
        app.call("mqueue.add", "cdr", "", "");

        assertThat(app.queues().queue("cdr").drainAll()).containsExactly(new MQueueItem("$ci", "$var(x) $rm"),
                new MQueueItem("", ""));
    }

    @Test
    void sizeLimitDropsTheOldest() {
        for (int i = 1; i <= 4; i++) {
            assertThat(app.call("mqueue.add", "acc", "k" + i, "v").status()).isEqualTo(200);
        }

        assertThat(app.queues().queue("acc").drainAll()).extracting(MQueueItem::key).containsExactly("k2", "k3",
                "k4");
    }

    @Test
    void addmodesApply() {
        app.call("mqueue.add", "uniq", "k", "first");
        app.call("mqueue.add", "uniq", "k", "second");
        app.call("mqueue.add", "latest", "k", "first");
        app.call("mqueue.add", "latest", "j", "other");
        app.call("mqueue.add", "latest", "k", "second");

        assertThat(app.queues().queue("uniq").drainAll()).containsExactly(new MQueueItem("k", "first"));
        assertThat(app.queues().queue("latest").drainAll()).containsExactly(new MQueueItem("j", "other"),
                new MQueueItem("k", "second"));
    }

    @Test
    void anItemTooLongForItsTableIs413AndNotQueued() {
        QueueLimits.limit(app.queues().queue("cdr"), 3, 3);

        Response r = app.call("mqueue.add", "cdr", "k", "four");

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body()).contains("\"code\":413,\"message\":\"Item too large\"",
                "value of 4 characters refused (expected: at most 3");
        assertThat(app.queues().queue("cdr").size()).isZero();
    }

    @Test
    void unknownQueueIs404NoSuchQueue() {
        Response r = app.call("mqueue.add", "acx", "k", "v");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo(error(404, "No such queue"));
    }

    @Test
    void missingOrEmptyNameIs400() {
        assertThat(app.call("mqueue.add").body()).isEqualTo(error(400, "No queue name"));
        assertThat(app.call("mqueue.add", 1, "k", "v").body()).isEqualTo(error(400, "No queue name"));
        assertThat(app.call("mqueue.add", "", "k", "v").body()).isEqualTo(error(400, "Invalid queue name"));
        assertThat(app.call("mqueue.add", "", "k", "v").status()).isEqualTo(400);
    }

    @Test
    void missingOrNonStringKeyOrValueIsInvalidParams() {
        Response noValue = app.call("mqueue.add", "cdr", "k");
        Response numberKey = app.call("mqueue.add", "cdr", 42, "v");

        assertThat(noValue.status()).isEqualTo(500);
        assertThat(noValue.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":"
                + "\"Invalid Parameters\",\"data\":\"value (parameter 3): missing (expected: a string)\"},\"id\":1}");
        assertThat(numberKey.json().at("/error/data").asText())
                .isEqualTo("key (parameter 2): 42 (expected: a string)");
        assertThat(app.queues().queue("cdr").size()).isZero();
    }
}
