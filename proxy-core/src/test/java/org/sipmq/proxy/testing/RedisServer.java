package org.sipmq.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis server of the test's own ({@code redis-server} on a free port of 127.0.0.1, its data in the test's folder),
 * so that a test may stop, kill and restart it without touching the machine's shared Redis on 6379. The append-only
 * file is written on every command ({@code appendfsync always}): what Redis acknowledged survives its restart.
 */
public final class RedisServer implements AutoCloseable {
    public static final String BINARY = "/usr/bin/redis-server";

    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Fails the test, saying how to get Redis, when the binary is missing. */
    public static void requireInstalled() {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new AssertionError("these tests need Redis 7 but " + BINARY + " is missing: install it with"
                    + " 'apt-get install -y redis-server' (or run 'bash .ci/run', which also starts it on 6379)");
        }
    }

    /** Starts a server on a free port with its files under {@code dir}, and waits until it answers PING. */
    public static RedisServer start(Path dir) throws IOException, InterruptedException {
        requireInstalled();
        RedisServer r = new RedisServer(dir, FreePorts.udpAndTcp());
        r.startProcess();
        return r;
    }

    /** Fails the test, saying how to get it, unless a Redis answers PING on {@code host:port}. */
    public static void requireReachable(String host, int port) {
        try {
            ping(host, port);
        } catch (IOException e) {
            throw new AssertionError("this test needs Redis on " + host + ":" + port + " but it does not answer PING ("
                    + e.getMessage() + "): start it with 'redis-server --daemonize yes --bind 127.0.0.1 --port "
                    + port + " --save \"\" --appendonly no' (or run 'bash .ci/run')", e);
        }
    }

    private void startProcess() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        process = new ProcessBuilder(List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always",
                "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("redis-server exited with " + process.exitValue() + "; see "
                        + dir.resolve("redis.log"));
            }
            try {
                ping("127.0.0.1", port);
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(50);
            }
        }
        throw new AssertionError("redis-server did not answer on port " + port + " within 20 s", last);
    }

    private static void ping(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64];
            int n = in.read(buf);
            String reply = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
            if (!reply.startsWith("+PONG")) {
                throw new IOException("answered '" + reply.strip() + "' to PING (loading?)");
            }
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>/0}. */
    public String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** Stops the server gracefully (SIGTERM: it finishes its append-only file) and waits for it. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts the server again on the same port and files (after {@link #stop()}). */
    public void restart() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
