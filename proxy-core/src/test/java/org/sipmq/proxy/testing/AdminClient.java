package org.sipmq.proxy.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A test client of the admin endpoint over real HTTP on 127.0.0.1, with short timeouts. */
public final class AdminClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();
    private final URI base;
    private final String token;

    /** A client sending {@code Authorization: Bearer token} when {@code token} is not null. */
    public AdminClient(InetSocketAddress address, String token) {
        this.base = URI.create("http://127.0.0.1:" + address.getPort());
        this.token = token;
    }

    /** Calls {@code method} with positional string or number parameters and id 1. */
    public Response call(String method, Object... params) {
        ObjectNode request = MAPPER.createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("method", method);
        ArrayNode array = request.putArray("params");
        for (Object p : params) {
            array.addPOJO(p);
        }
        request.put("id", 1);
        return post("/RPC", json(request));
    }

    /** POSTs a raw body to {@code path}. */
    public Response post(String path, String body) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
    }

    /** GETs {@code path}. */
    public Response get(String path) {
        return send(request(path).GET());
    }

    /** GETs {@code /metrics} and parses it, failing when it is not Prometheus text. */
    public PrometheusText metrics() {
        Response r = get("/metrics");
        if (r.status() != 200) {
            throw new AssertionError("GET /metrics: HTTP " + r.status() + " " + r.body());
        }
        return PrometheusText.parse(r.body());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String json(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One HTTP response. */
    public record Response(int status, String body, HttpHeaders headers) {
        /** The body as JSON. */
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
            }
        }

        /** The {@code result} member, failing with the whole body when the response is an error. */
        public JsonNode result() {
            JsonNode json = json();
            if (!json.has("result")) {
                throw new AssertionError("expected a result, got HTTP " + status + " " + body);
            }
            return json.get("result");
        }
    }
}
