package org.sipmq.mqueue.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sipmq.proxy.testing.FreePorts;

/**
 * A real Kamailio 5.6 as a child process on 127.0.0.1: its own UDP port for SIP, its own TCP port for JSON-RPC
 * ({@code jsonrpcs} over {@code xhttp}), its configuration and runtime files in a directory of the test's own. The
 * script route is the one of {@link #ROUTE}: a MESSAGE calls {@code mq_add} with the queue, key and value of its
 * {@code X-Q}, {@code X-K}, {@code X-V} headers and is answered 200.
 *
 * <p>
 * Started in the foreground ({@code -DD -E}) so that the {@link Process} is Kamailio's main process; {@link #close()}
 * stops it with SIGTERM by that PID and waits for it, since dbmode 3 and 1 save only at a clean shutdown, then kills
 * whatever is left of it (main process and children) by PID.
 */
final class KamailioProcess implements RpcPeer, AutoCloseable {
    /** The Kamailio binary; {@code -Dsipmq.test.kamailio=/path/to/kamailio} for another one. */
    static final String BINARY = System.getProperty("sipmq.test.kamailio", "kamailio");
    private static final String HOW_TO_GET_IT = "Install it with 'apt-get install -y kamailio kamailio-mysql-modules'"
            + " (Kamailio 5.6, as in Debian 12) or run 'bash .ci/run', which installs it when missing;"
            + " -Dsipmq.test.kamailio=/path/to/kamailio points the tests at another binary.";
    private static final long START_SECONDS = 20;
    private static final long STOP_SECONDS = 20;

    /** The script route, the same logic as {@link MqAddFromHeaders} on the sipmq side. */
    static final String ROUTE = """
            request_route {
                if (is_method("MESSAGE")) {
                    mq_add("$hdr(X-Q)", "$hdr(X-K)", "$hdr(X-V)");
                    sl_send_reply("200", "OK");
                    exit;
                }
                sl_send_reply("404", "Not Here");
            }

            event_route[xhttp:request] {
                jsonrpc_dispatch();
            }
            """;

    private final Process process;
    private final Path log;
    private final int sipPort;
    private final int rpcPort;
    private boolean stopped;

    private KamailioProcess(Process process, Path log, int sipPort, int rpcPort) {
        this.process = process;
        this.log = log;
        this.sipPort = sipPort;
        this.rpcPort = rpcPort;
    }

    /**
     * Fails the test, saying how to get them, when the Kamailio binary or one of the modules the tests load is not
     * installed (checked by a configuration check, {@code kamailio -c}, of a file that loads them all).
     */
    static void requireInstalled(Path dir) {
        String version;
        try {
            Process p = new ProcessBuilder(BINARY, "-v").redirectErrorStream(true).start();
            version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new AssertionError("These tests run a real Kamailio, but '" + BINARY + "' cannot be run ("
                    + e.getMessage() + "). " + HOW_TO_GET_IT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (!version.contains("kamailio 5.")) {
            throw new AssertionError("These tests need Kamailio 5.x, '" + BINARY + " -v' says: " + version.strip()
                    + ". " + HOW_TO_GET_IT);
        }
        Path cfg = write(dir, "check.cfg", config(FreePorts.udpAndTcp(), FreePorts.udpAndTcp(), dir, true, ""));
        String out = run(List.of(BINARY, "-f", cfg.toString(), "-c"));
        if (!out.contains("config file ok")) {
            throw new AssertionError("Kamailio is installed but cannot load the modules these tests use (mqueue,"
                    + " db_mysql, xhttp, jsonrpcs, sl, pv, textops): " + lastLines(out, 5) + ". " + HOW_TO_GET_IT);
        }
    }

    /**
     * Starts Kamailio with these {@code modparam("mqueue", ...)} lines (any order; a {@code db_url} among them must
     * come first, since Kamailio loads a dbmode 1/2 table while it reads the {@code mqueue} line) and waits until its
     * JSON-RPC answers.
     */
    static KamailioProcess start(Path dir, String mqueueModparams) {
        int sipPort = FreePorts.udpAndTcp();
        int rpcPort = FreePorts.udpAndTcp();
        boolean db = mqueueModparams.contains("\"db_url\"");
        String name = "kamailio-" + sipPort;
        Path cfg = write(dir, name + ".cfg", config(sipPort, rpcPort, dir, db, mqueueModparams));
        Path log = dir.resolve(name + ".log");
        Process p;
        try {
            p = new ProcessBuilder(BINARY, "-f", cfg.toString(), "-DD", "-E", "-x", "fm", "-m", "64", "-M", "8")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + BINARY + ": " + e.getMessage() + ". " + HOW_TO_GET_IT, e);
        }
        KamailioProcess k = new KamailioProcess(p, log, sipPort, rpcPort);
        try {
            k.awaitRpc();
        } catch (RuntimeException | Error e) {
            k.close();
            throw e;
        }
        return k;
    }

    /**
     * Kamailio's own configuration check ({@code kamailio -c}) of a file with these {@code modparam("mqueue", ...)}
     * lines: true when Kamailio would start with them. Only for lines without a dbmode: Kamailio loads and clears a
     * dbmode 1/2 table while it reads the line, even in a check.
     */
    static boolean accepts(Path dir, String mqueueModparams) {
        if (mqueueModparams.contains("dbmode")) {
            throw new IllegalArgumentException("a configuration check would load and clear dbmode tables");
        }
        Path cfg = write(dir, "check-" + System.nanoTime() + ".cfg",
                config(FreePorts.udpAndTcp(), FreePorts.udpAndTcp(), dir, false, mqueueModparams));
        return run(List.of(BINARY, "-f", cfg.toString(), "-c")).contains("config file ok");
    }

    /** Kamailio's check ({@code kamailio -c}) of a whole configuration file's text: its output. */
    static String checkOutput(Path dir, String cfgText) {
        Path cfg = write(dir, "check-" + System.nanoTime() + ".cfg", cfgText);
        return run(List.of(BINARY, "-f", cfg.toString(), "-c"));
    }

    private static String config(int sipPort, int rpcPort, Path dir, boolean db, String mqueueModparams) {
        return "#!KAMAILIO\n" //
                + "debug=2\n" //
                + "log_stderror=yes\n" //
                + "children=1\n" //
                + "tcp_children=1\n" //
                + "rundir=\"" + dir.toAbsolutePath() + "\"\n" //
                + "listen=udp:127.0.0.1:" + sipPort + "\n" //
                + "listen=tcp:127.0.0.1:" + rpcPort + "\n" //
                + "tcp_accept_no_cl=yes\n" //
                + "loadmodule \"sl.so\"\n" //
                + "loadmodule \"pv.so\"\n" //
                + "loadmodule \"textops.so\"\n" //
                + "loadmodule \"xhttp.so\"\n" //
                + "loadmodule \"jsonrpcs.so\"\n" //
                + (db ? "loadmodule \"db_mysql.so\"\n" : "") //
                + "loadmodule \"mqueue.so\"\n" //
                + "modparam(\"jsonrpcs\", \"transport\", 1)\n" // HTTP only: no FIFO shared with other runs
                + mqueueModparams + "\n" //
                + ROUTE;
    }

    private void awaitRpc() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Kamailio exited with " + process.exitValue() + " at start: "
                        + lastLines(logText(), 8) + " (whole log: " + log + ")");
            }
            try {
                RpcExchange r = RpcExchange.post(rpcPort, "{\"jsonrpc\":\"2.0\",\"method\":\"core.version\",\"id\":1}");
                if (r.status() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            sleep(100);
        }
        throw new AssertionError("Kamailio did not answer JSON-RPC on 127.0.0.1:" + rpcPort + " within "
                + START_SECONDS + " s (log: " + log + ")", last);
    }

    int sipPort() {
        return sipPort;
    }

    int rpcPort() {
        return rpcPort;
    }

    Path log() {
        return log;
    }

    /** Posts one JSON-RPC request to this Kamailio's {@code /RPC}. */
    @Override
    public RpcExchange rpc(String json) {
        return RpcExchange.post(rpcPort, json);
    }

    /**
     * Stops Kamailio with SIGTERM to its main process and waits for its clean shutdown (where dbmode 1 and 3 queues
     * are saved), failing when it did not exit in time; the process and any child left are then killed by PID.
     */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        List<ProcessHandle> children = process.descendants().toList();
        try {
            process.destroy(); // SIGTERM
            if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("Kamailio (pid " + process.pid() + ") did not stop within " + STOP_SECONDS
                        + " s of SIGTERM (log: " + log + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            kill(children);
        }
    }

    /** Kills by PID whatever is left, and waits for it: a test never leaves a Kamailio process behind. */
    private void kill(List<ProcessHandle> children) {
        List<ProcessHandle> all = new ArrayList<>(children);
        all.add(process.toHandle());
        for (ProcessHandle p : all) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("Kamailio process " + p.pid() + " still runs after SIGKILL", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Stops Kamailio (as {@link #stop()}) if it still runs; never leaves a process behind. */
    @Override
    public void close() {
        if (!stopped) {
            stop();
        }
        kill(process.descendants().toList());
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage() + ". " + HOW_TO_GET_IT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path write(Path dir, String name, String text) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
