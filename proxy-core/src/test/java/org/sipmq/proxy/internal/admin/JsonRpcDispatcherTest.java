package org.sipmq.proxy.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.admin.RpcException;
import org.sipmq.proxy.admin.RpcMethod;

/** The dispatcher without sockets; AdminServerTest covers the same over HTTP. */
class JsonRpcDispatcherTest {
    private final JsonRpcDispatcher dispatcher = new JsonRpcDispatcher(Map.of(
            "a.ok", params -> TextNode.valueOf("ok"),
            "a.null", params -> null,
            "a.fail", (RpcMethod) params -> {
                throw new RpcException(404, "No such queue");
            }));

    private JsonRpcDispatcher.Reply handle(String body) {
        return dispatcher.handle(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void httpStatusIsTheErrorCodeOnlyForHttpErrorCodes() {
        assertThat(JsonRpcDispatcher.httpStatus(400)).isEqualTo(400);
        assertThat(JsonRpcDispatcher.httpStatus(404)).isEqualTo(404);
        assertThat(JsonRpcDispatcher.httpStatus(599)).isEqualTo(599);
        assertThat(JsonRpcDispatcher.httpStatus(-32601)).isEqualTo(500);
        assertThat(JsonRpcDispatcher.httpStatus(0)).isEqualTo(500);
        assertThat(JsonRpcDispatcher.httpStatus(302)).isEqualTo(500);
        assertThat(JsonRpcDispatcher.httpStatus(600)).isEqualTo(500);
    }

    @Test
    void methodReturningNullAnswersAnEmptyObjectAsKamailioDoes() {
        JsonRpcDispatcher.Reply r = handle("{\"jsonrpc\":\"2.0\",\"method\":\"a.null\",\"id\":7}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().toString()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{},\"id\":7}");
    }

    @Test
    void errorReplyHasCodeMessageAndId() {
        JsonRpcDispatcher.Reply r = handle("{\"jsonrpc\":\"2.0\",\"method\":\"a.fail\",\"id\":1}");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body().toString())
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":404,\"message\":\"No such queue\"},\"id\":1}");
    }

    @Test
    void batchOfOneErrorIsStillHttp200() {
        JsonRpcDispatcher.Reply r = handle("[{\"jsonrpc\":\"2.0\",\"method\":\"a.fail\",\"id\":1}]");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get(0).at("/error/code").asInt()).isEqualTo(404);
    }

    @Test
    void notificationHasNoBody() {
        JsonRpcDispatcher.Reply r = handle("{\"jsonrpc\":\"2.0\",\"method\":\"a.ok\"}");

        assertThat(r.status()).isEqualTo(204);
        assertThat(r.body()).isNull();
    }
}
