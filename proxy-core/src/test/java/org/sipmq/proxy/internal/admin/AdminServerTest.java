package org.sipmq.proxy.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.admin.AdminEndpoint;
import org.sipmq.proxy.admin.AdminModule;
import org.sipmq.proxy.admin.RpcException;
import org.sipmq.proxy.admin.RpcMethod;
import org.sipmq.proxy.admin.RpcMethods;
import org.sipmq.proxy.testing.AdminClient.Response;
import org.sipmq.proxy.testing.AdminClient;
import org.sipmq.proxy.testing.PrometheusText;

/** The admin endpoint over real HTTP on 127.0.0.1 (an ephemeral port), with a few test methods. */
class AdminServerTest {
    private static final String TOKEN = "0123456789abcdef0123";

    private final List<Sipmq> apps = new ArrayList<>();

    @AfterEach
    void stopApps() {
        apps.forEach(Sipmq::stop);
    }

    /** Starts an application on 127.0.0.1:0 with the extra config lines, and a client of it. */
    private AdminClient start(String extraConfig, String clientToken) {
        Sipmq app = Sipmq.configure("test.cfg", "admin.listen = 127.0.0.1:0\n" + extraConfig, new AdminModule(),
                new TestMethods());
        apps.add(app);
        app.start();
        return new AdminClient(app.injector().getInstance(AdminEndpoint.class).address(), clientToken);
    }

    private AdminClient start() {
        return start("", null);
    }

    @Test
    void coreVersionAnswersKamailioShapedVersionString() {
        Response r = start().call("core.version");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.json().fieldNames()).toIterable().containsExactly("jsonrpc", "result", "id");
        assertThat(r.json().get("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(r.json().get("id").asInt()).isEqualTo(1);
        assertThat(r.result().asText()).matches("sipmq \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\([^/ ]+/[^) ]+\\)");
    }

    @Test
    void coreUptimeAnswersNowUpSinceAndSeconds() {
        JsonNode result = start().call("core.uptime").result();

        assertThat(result.fieldNames()).toIterable().containsExactly("now", "up_since", "uptime");
        String ctime = "[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3]\\d \\d{2}:\\d{2}:\\d{2} \\d{4}";
        assertThat(result.get("now").asText()).matches(ctime);
        assertThat(result.get("up_since").asText()).matches(ctime);
        assertThat(result.get("uptime").isIntegralNumber()).isTrue();
        assertThat(result.get("uptime").asLong()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void methodErrorIsKamailioShapedAndItsCodeIsTheHttpStatus() {
        Response r = start().call("test.fail", 404, "No such queue");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":404,\"message\":\"No such queue\"},"
                + "\"id\":1}");
    }

    @Test
    void errorCodeThatIsNoHttpErrorAnswersHttp500() {
        AdminClient client = start();

        assertThat(client.call("test.fail", 1, "odd").status()).isEqualTo(500);
        assertThat(client.call("test.fail", 200, "odd").status()).isEqualTo(500);
        assertThat(client.call("test.fail", 700, "odd").json().at("/error/code").asInt()).isEqualTo(700);
    }

    @Test
    void unknownMethodIsMethodNotFound() {
        Response r = start().call("no.such");

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.json().at("/error/code").asInt()).isEqualTo(-32601);
        assertThat(r.json().at("/error/message").asText()).isEqualTo("Method Not Found");
        assertThat(r.json().at("/error/data").asText()).contains("no.such", "core.version");
        assertThat(r.json().get("id").asInt()).isEqualTo(1);
    }

    @Test
    void malformedJsonIsParseErrorWithNullId() {
        AdminClient client = start();

        for (String body : List.of("{\"jsonrpc\":\"2.0\",", "", "not json", "{\"a\":1} trailing",
                "{\"jsonrpc\":\"2.0\",\"method\":\"core.version\",\"id\":1,\"id\":2}")) {
            Response r = client.post("/RPC", body);
            assertThat(r.status()).as(body).isEqualTo(500);
            assertThat(r.json().at("/error/code").asInt()).as(body).isEqualTo(-32700);
            assertThat(r.json().at("/error/message").asText()).isEqualTo("Parse Error");
            assertThat(r.json().get("id").isNull()).as(body).isTrue();
        }
    }

    @Test
    void malformedRequestsAreInvalidRequest() {
        AdminClient client = start();

        for (String body : List.of("42", "\"core.version\"", "{\"method\":\"core.version\",\"id\":1}",
                "{\"jsonrpc\":\"1.0\",\"method\":\"core.version\",\"id\":1}",
                "{\"jsonrpc\":2.0,\"method\":\"core.version\",\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"id\":1}", "{\"jsonrpc\":\"2.0\",\"method\":7,\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"core.version\",\"params\":\"acc\",\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"core.version\",\"id\":{\"a\":1}}", "[]")) {
            Response r = client.post("/RPC", body);
            assertThat(r.status()).as(body).isEqualTo(500);
            assertThat(r.json().at("/error/code").asInt()).as(body).isEqualTo(-32600);
            assertThat(r.json().at("/error/message").asText()).isEqualTo("Invalid Request");
        }
    }

    @Test
    void invalidRequestKeepsAValidId() {
        Response r = start().post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":7,\"id\":\"abc\"}");

        assertThat(r.json().get("id").asText()).isEqualTo("abc");
    }

    @Test
    void idIsEchoedAsSent() {
        AdminClient client = start();

        assertThat(client.post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":\"core.version\",\"id\":\"x-1\"}").json()
                .get("id")).isEqualTo(TextNode.valueOf("x-1"));
        assertThat(client.post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":\"core.version\",\"id\":null}").body())
                .endsWith(",\"id\":null}");
        assertThat(client.post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":\"core.version\",\"id\":12345678901}")
                .body()).endsWith(",\"id\":12345678901}");
    }

    @Test
    void notificationRunsAndAnswers204WithoutBody() {
        AdminClient client = start();
        String notification = "{\"jsonrpc\":\"2.0\",\"method\":\"test.count\"}";

        Response r = client.post("/RPC", notification);

        assertThat(r.status()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(client.call("test.count").result().asInt()).isEqualTo(2);
    }

    @Test
    void failingNotificationStillAnswers204() {
        AdminClient client = start();

        assertThat(client.post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":\"no.such\"}").status()).isEqualTo(204);
        assertThat(client.post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":\"test.fail\",\"params\":[404,\"x\"]}")
                .status()).isEqualTo(204);
    }

    @Test
    void batchAnswersEachRequestInOrderLeavingOutNotifications() {
        Response r = start().post("/RPC", "[{\"jsonrpc\":\"2.0\",\"method\":\"test.count\",\"id\":1},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"test.count\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"test.fail\",\"params\":[404,\"No such queue\"],\"id\":\"b\"},"
                + "42,"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"test.count\",\"id\":3}]");

        assertThat(r.status()).isEqualTo(200);
        JsonNode replies = r.json();
        assertThat(replies.isArray()).isTrue();
        assertThat(replies).hasSize(4);
        assertThat(replies.get(0).get("result").asInt()).isEqualTo(1);
        assertThat(replies.get(1).get("error").toString()).isEqualTo("{\"code\":404,\"message\":\"No such queue\"}");
        assertThat(replies.get(1).get("id").asText()).isEqualTo("b");
        assertThat(replies.get(2).at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(replies.get(2).get("id").isNull()).isTrue();
        assertThat(replies.get(3).get("result").asInt()).isEqualTo(3);
        assertThat(replies.get(3).get("id").asInt()).isEqualTo(3);
    }

    @Test
    void batchOfNotificationsOnlyAnswers204() {
        Response r = start().post("/RPC", "[{\"jsonrpc\":\"2.0\",\"method\":\"test.count\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"test.count\"}]");

        assertThat(r.status()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void requestWithoutParamsGetsAnEmptyArray() {
        Response r = start().post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":\"test.echo\",\"id\":1}");

        assertThat(r.result().toString()).isEqualTo("[]");
    }

    @Test
    void namedParamsReachTheMethodAsAnObject() {
        Response r = start().post("/RPC", "{\"jsonrpc\":\"2.0\",\"method\":\"test.echo\",\"params\":{\"a\":1},"
                + "\"id\":1}");

        assertThat(r.result().toString()).isEqualTo("{\"a\":1}");
    }

    @Test
    void methodsRunOnTheOneRpcHandlerThread() {
        AdminClient client = start();

        assertThat(client.call("test.thread").result().asText()).isEqualTo("sipmq-rpc");
        assertThat(client.call("test.thread").result().asText()).isEqualTo("sipmq-rpc");
    }

    @Test
    void methodThatThrowsIsInternalError() {
        Response r = start().call("test.crash");

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.json().at("/error/code").asInt()).isEqualTo(-32603);
        assertThat(r.json().at("/error/message").asText()).isEqualTo("Internal Error");
        assertThat(r.json().at("/error/data").asText()).contains("boom");
    }

    @Test
    void invalidParamsCarryTheDetailAsData() {
        Response r = start().call("test.strict", 42);

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":"
                + "\"Invalid Parameters\",\"data\":\"name: 42 (expected: a string)\"},\"id\":1}");
    }

    @Test
    void wrongHttpMethodOrPathIsRefused() {
        AdminClient client = start();

        Response get = client.get("/RPC");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(client.post("/metrics", "").status()).isEqualTo(405);
        assertThat(client.get("/rpc").status()).isEqualTo(404);
        assertThat(client.get("/").status()).isEqualTo(404);
    }

    @Test
    void bodyOverOneMegabyteIsRefused() {
        String big = "[" + "1,".repeat(AdminServer.MAX_BODY / 2) + "1]";

        assertThat(start().post("/RPC", big).status()).isEqualTo(413);
    }

    @Test
    void metricsArePrometheusTextAndMoveAsTheApplicationWorks() {
        AdminClient client = start();
        Response raw = client.get("/metrics");
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        PrometheusText before = PrometheusText.parse(raw.body());
        assertThat(before.value("test_calls_total")).isEqualTo(0.0);
        assertThat(before.samples().keySet()).anyMatch(s -> s.startsWith("jvm_memory_used_bytes{"));

        client.call("test.count");
        client.call("test.count");

        assertThat(client.metrics().value("test_calls_total")).isEqualTo(2.0);
    }

    @Test
    void tokenIsRequiredOnBothPathsWhenSet() {
        AdminClient withToken = start("admin.token = " + TOKEN + "\n", TOKEN);
        var address = apps.get(0).injector().getInstance(AdminEndpoint.class).address();
        AdminClient without = new AdminClient(address, null);
        AdminClient wrong = new AdminClient(address, TOKEN + "x");

        assertThat(withToken.call("core.version").status()).isEqualTo(200);
        assertThat(withToken.get("/metrics").status()).isEqualTo(200);
        for (AdminClient refused : List.of(without, wrong)) {
            Response rpc = refused.call("core.version");
            assertThat(rpc.status()).isEqualTo(401);
            assertThat(rpc.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"sipmq\"");
            assertThat(refused.get("/metrics").status()).isEqualTo(401);
        }
    }

    @Test
    void refusedRequestDoesNotRun() {
        AdminClient withToken = start("admin.token = " + TOKEN + "\n", TOKEN);
        AdminClient without = new AdminClient(apps.get(0).injector().getInstance(AdminEndpoint.class).address(),
                null);

        without.call("test.count");

        assertThat(withToken.call("test.count").result().asInt()).isEqualTo(1);
    }

    @Test
    void addressIsRefusedOnceStopped() {
        start();
        AdminEndpoint endpoint = apps.get(0).injector().getInstance(AdminEndpoint.class);

        apps.get(0).stop();

        org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(endpoint::address)
                .withMessageContaining("not started");
    }

    @Test
    void stopEndsEveryThreadItStarted() throws InterruptedException {
        start().call("core.version");

        apps.get(0).stop();

        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("sipmq-rpc") || t.getName().startsWith("sipmq-admin-http")) {
                t.join(5_000);
                assertThat(t.isAlive()).as(t.getName()).isFalse();
            }
        }
    }

    @Test
    void portInUseFailsStartNamingTheAddress() {
        AdminClient first = start();
        int port = apps.get(0).injector().getInstance(AdminEndpoint.class).address().getPort();
        Sipmq second = Sipmq.configure("test.cfg", "admin.listen = 127.0.0.1:" + port + "\n", new AdminModule());

        org.assertj.core.api.Assertions.assertThatThrownBy(second::start)
                .hasMessageContaining("service 'admin' failed to start: cannot listen on")
                .hasMessageContaining(":" + port + " (admin.listen)");
        assertThat(first.call("core.version").status()).isEqualTo(200);
    }

    /** Methods for the tests: echo, fail with a code, crash, count calls, tell the thread. */
    static final class TestMethods extends AbstractModule {
        @Override
        protected void configure() {
            MapBinder<String, RpcMethod> methods = RpcMethods.methods(binder());
            methods.addBinding("test.echo").toInstance(params -> params);
            methods.addBinding("test.fail").toInstance(params -> {
                throw new RpcException(params.get(0).asInt(), params.get(1).asText());
            });
            methods.addBinding("test.crash").toInstance(params -> {
                throw new IllegalStateException("boom");
            });
            methods.addBinding("test.thread")
                    .toInstance(params -> TextNode.valueOf(Thread.currentThread().getName()));
            methods.addBinding("test.strict").toInstance(params -> {
                throw RpcException.invalidParams("name: " + params.get(0) + " (expected: a string)");
            });
            methods.addBinding("test.count").to(Count.class);
        }
    }

    /** Counts its calls in a Micrometer counter and answers the count. */
    static final class Count implements RpcMethod {
        private final Counter calls;

        @Inject
        Count(MeterRegistry registry) {
            this.calls = registry.counter("test.calls");
        }

        @Override
        public JsonNode call(JsonNode params) {
            calls.increment();
            return JsonNodeFactory.instance.numberNode((int) calls.count());
        }
    }
}
