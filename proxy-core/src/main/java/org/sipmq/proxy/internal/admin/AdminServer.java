package org.sipmq.proxy.internal.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.admin.AdminEndpoint;
import org.sipmq.proxy.admin.RpcMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoint: JSON-RPC at {@code POST /RPC}, Prometheus text at {@code GET /metrics}, on the JDK's HTTP server.
 * Two HTTP threads ({@code sipmq-admin-http-N}) read requests and write responses, so a slow client never holds the
 * RPC handler; every RPC method runs on the single thread {@code sipmq-rpc}, the one execution context Kamailio calls
 * "the RPC process" (with its own mqueue slots). Starts last, stops first.
 */
@Singleton
public final class AdminServer implements Service, AdminEndpoint {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    static final String RPC_PATH = "/RPC";
    static final String METRICS_PATH = "/metrics";
    /** Requests are commands, not uploads: a bigger body is refused before it is read. */
    static final int MAX_BODY = 1 << 20;
    /** How much of an oversized body is read and dropped before the connection is simply closed. */
    private static final long DRAIN_LIMIT = 16L << 20;
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    private static final int HTTP_THREADS = 2;
    private static final long STOP_TIMEOUT_SECONDS = 5;
    /** A request must arrive, and its response be read, within this time; else the connection is closed. */
    static final int MAX_EXCHANGE_SECONDS = 30;

    private final AdminSettings settings;
    private final JsonRpcDispatcher dispatcher;
    private final PrometheusMeterRegistry registry;
    private final byte[] token;

    private HttpServer server;
    private ExecutorService httpExecutor;
    private volatile ExecutorService rpcExecutor;
    private volatile InetSocketAddress address;

    @Inject
    public AdminServer(AdminSettings settings, Map<String, RpcMethod> methods, PrometheusMeterRegistry registry) {
        this.settings = settings;
        this.dispatcher = new JsonRpcDispatcher(methods);
        this.registry = registry;
        this.token = settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String name() {
        return "admin";
    }

    @Override
    public Phase phase() {
        return Phase.MANAGEMENT;
    }

    @Override
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("admin endpoint already started on " + address);
        }
        rpcExecutor = Executors.newSingleThreadExecutor(new NamedThreadFactory("sipmq-rpc", false));
        httpExecutor = Executors.newFixedThreadPool(HTTP_THREADS, new NamedThreadFactory("sipmq-admin-http", true));
        limitRequestTime();
        try {
            server = HttpServer.create(settings.listen(), 0);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + hostPort(settings.listen()) + " (" + AdminSettings.LISTEN
                    + "): " + e.getMessage(), e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(httpExecutor);
        server.start();
        address = server.getAddress();
        bindJvmMetrics();
        log.info("admin endpoint listening on http://{}{} and {}{}", hostPort(address), RPC_PATH, METRICS_PATH,
                token == null ? " (no token: loopback only)" : " (bearer token required)");
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.stop(0); // JDK 17 waits the whole delay even when idle: in-flight requests are cut instead
            server = null;
        }
        shutdown(httpExecutor, "sipmq-admin-http");
        shutdown(rpcExecutor, "sipmq-rpc");
        httpExecutor = null;
        rpcExecutor = null;
        address = null;
    }

    @Override
    public InetSocketAddress address() {
        InetSocketAddress a = address;
        if (a == null) {
            throw new IllegalStateException("admin endpoint is not started (configured: " + settings + ")");
        }
        return a;
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            if (!authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"sipmq\"");
                sendText(exchange, 401, "401 Unauthorized: missing or wrong bearer token\n");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals(RPC_PATH)) {
                if (!method.equals("POST")) {
                    exchange.getResponseHeaders().set("Allow", "POST");
                    sendText(exchange, 405, "405 Method Not Allowed: use POST " + RPC_PATH + "\n");
                } else {
                    rpc(exchange);
                }
            } else if (path.equals(METRICS_PATH)) {
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    sendText(exchange, 405, "405 Method Not Allowed: use GET " + METRICS_PATH + "\n");
                } else {
                    send(exchange, 200, PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8));
                }
            } else {
                sendText(exchange, 404, "404 Not Found: " + path + " (expected: " + RPC_PATH + " or "
                        + METRICS_PATH + ")\n");
            }
        } catch (IOException e) {
            log.debug("admin request from {} aborted: {}", exchange.getRemoteAddress(), e.toString());
        } catch (RuntimeException e) {
            log.error("admin request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        }
    }

    private void rpc(HttpExchange exchange) throws IOException {
        byte[] body = readBody(exchange);
        if (body == null) {
            sendText(exchange, 413, "413 Payload Too Large (expected: at most " + MAX_BODY + " bytes)\n");
            return;
        }
        JsonRpcDispatcher.Reply reply;
        ExecutorService rpcThread = rpcExecutor;
        try {
            if (rpcThread == null) {
                throw new RejectedExecutionException("stopped");
            }
            Future<JsonRpcDispatcher.Reply> f = rpcThread.submit(() -> dispatcher.handle(body));
            reply = f.get();
        } catch (RejectedExecutionException e) {
            sendText(exchange, 503, "503 Service Unavailable: stopping\n");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sendText(exchange, 503, "503 Service Unavailable: stopping\n");
            return;
        } catch (ExecutionException e) {
            throw new IllegalStateException("rpc dispatch failed", e.getCause());
        }
        if (reply.body() == null) {
            exchange.sendResponseHeaders(reply.status(), -1);
            return;
        }
        byte[] json;
        try {
            json = dispatcher.mapper().writeValueAsBytes(reply.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write rpc reply", e);
        }
        send(exchange, reply.status(), JSON, json);
    }

    /**
     * The body, or null when it is larger than {@link #MAX_BODY}. An oversized body is still read (up to
     * {@link #DRAIN_LIMIT}) and dropped, so that the client, still sending, reads our 413 instead of a reset.
     */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length <= MAX_BODY) {
                return body;
            }
            long drained = 0;
            byte[] sink = new byte[8192];
            for (int n; drained < DRAIN_LIMIT && (n = in.read(sink)) > 0;) {
                drained += n;
            }
            return null;
        }
    }

    private boolean authorized(HttpExchange exchange) {
        if (token == null) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || header.length() < 7
                || !header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return false;
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token); // constant time: no timing hint at the token
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * The JDK server waits forever for a request's headers and body, so two clients that stall part way through would
     * hold both HTTP threads. Its only limits are JVM-wide properties, read once when the first server is created; we
     * set them unless the operator did ({@code -Dsun.net.httpserver.maxReqTime=...}).
     */
    private static void limitRequestTime() {
        for (String property : List.of("sun.net.httpserver.maxReqTime", "sun.net.httpserver.maxRspTime")) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, String.valueOf(MAX_EXCHANGE_SECONDS));
            }
        }
    }

    /** The JVM's own gauges next to the proxy's, as operators expect on any Java service's /metrics. */
    private void bindJvmMetrics() {
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new ProcessorMetrics(), new UptimeMetrics())) {
            binder.bindTo(registry);
        }
    }

    private static void shutdown(ExecutorService executor, String name) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("{} did not finish within {}s: interrupting", name, STOP_TIMEOUT_SECONDS);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
