package org.sipmq.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.sipmq.proxy.testing.FreePorts;

/**
 * Runs SIPp, the real peer of the end-to-end tests, as a child process on 127.0.0.1 with the scenarios shipped in the
 * repository's {@code sipp/} folder. Every run is bounded in calls ({@code -m}) and time ({@code -timeout}).
 */
final class Sipp implements AutoCloseable {
    static final Path SCENARIOS = findScenarios();

    private final Process process;
    private final Path stats;
    private final Path log;
    private final Path messages;

    private Sipp(Process process, Path stats, Path log, Path messages) {
        this.process = process;
        this.stats = stats;
        this.log = log;
        this.messages = messages;
    }

    /**
     * One SIP message SIPp sent or received, from its short message log ({@code -trace_shortmsg}).
     *
     * @param received true for a message SIPp received, false for one it sent
     * @param callId the Call-ID
     * @param cseq the CSeq header's value, such as {@code "1 INVITE"}
     * @param firstLine the request line or status line, such as {@code "SIP/2.0 200 OK"}
     */
    record Message(boolean received, String callId, String cseq, String firstLine) {
        boolean isRequest(String method) {
            return firstLine.startsWith(method + " ");
        }

        boolean isResponse(int code, String cseqValue) {
            return firstLine.startsWith("SIP/2.0 " + code + " ") && cseq.equals(cseqValue);
        }
    }

    /** Fails the test, saying how to install SIPp, when it is not on the PATH. */
    static void requireInstalled() {
        try {
            Process p = new ProcessBuilder("sipp", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("SIPp is needed for the end-to-end tests but 'sipp' is not on the PATH."
                    + " Install it with 'apt-get install -y sip-tester' (or run 'bash .ci/run').", e);
        }
    }

    /** A UAS that serves {@code calls} calls on {@code port}, then exits. */
    static Sipp uas(String scenario, int port, int calls, Path workDir) throws IOException {
        return start(workDir, scenario, List.of("-p", Integer.toString(port), "-m", Integer.toString(calls)));
    }

    /**
     * A UAC placing {@code calls} calls at {@code rate} per second to the callee at {@code calleePort}, every message
     * sent through the proxy at {@code proxyPort}.
     */
    static Sipp uac(String scenario, int calleePort, int proxyPort, int calls, int rate, Path workDir,
            String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("127.0.0.1:" + calleePort, "-rsa", "127.0.0.1:" + proxyPort, "-p",
                Integer.toString(FreePorts.udpAndTcp()), "-m", Integer.toString(calls), "-r", Integer.toString(rate)));
        args.addAll(List.of(extra));
        return start(workDir, scenario, args);
    }

    private static Sipp start(Path workDir, String scenario, List<String> args) throws IOException {
        Files.createDirectories(workDir);
        String base = scenario.replace(".xml", "") + "-" + System.nanoTime();
        Path stats = workDir.resolve(base + ".csv");
        Path log = workDir.resolve(base + ".log");
        Path messages = workDir.resolve(base + "-messages.log");
        List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", SCENARIOS.resolve(scenario).toString(), "-i",
                "127.0.0.1", "-nostdin", "-timeout", "120s", "-timeout_error", "-trace_stat", "-stf",
                stats.toString(), "-fd", "1", "-trace_err", "-error_file", workDir.resolve(base + "-errors.log")
                        .toString(),
                "-trace_shortmsg", "-shortmessage_file", messages.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new Sipp(p, stats, log, messages);
    }

    /** Waits for SIPp to finish and returns its exit code (0: every call succeeded). */
    int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("SIPp did not finish within " + seconds + " s; log: " + log);
        }
        return process.exitValue();
    }

    /** The last line of SIPp's statistics file, by column name ({@code SuccessfulCall(C)}, {@code FailedCall(C)}). */
    Map<String, String> finalStats() throws IOException {
        List<String> lines = Files.readAllLines(stats);
        if (lines.size() < 2) {
            throw new AssertionError("SIPp wrote no statistics to " + stats + "; log: " + log);
        }
        String[] names = lines.get(0).split(";");
        String[] values = lines.get(lines.size() - 1).split(";");
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < names.length && i < values.length; i++) {
            out.put(names[i], values[i]);
        }
        return out;
    }

    long successfulCalls() throws IOException {
        return Long.parseLong(finalStats().get("SuccessfulCall(C)"));
    }

    /** Waits up to 60 s until the caller has completed {@code atLeast} calls (its statistics file says so). */
    void awaitSuccessfulCalls(long atLeast) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (successfulCalls() >= atLeast) {
                    return;
                }
            } catch (IOException | RuntimeException | AssertionError notYet) {
                // SIPp writes its statistics file once a second
            }
            Thread.sleep(200);
        }
        throw new AssertionError("SIPp did not complete " + atLeast + " calls within 60 s; log " + log());
    }

    long failedCalls() throws IOException {
        return Long.parseLong(finalStats().get("FailedCall(C)"));
    }

    /**
     * Every message SIPp logged so far, in order (SIPp writes a line as it sends or receives; read it after
     * {@link #await} or {@link #stop} for the whole run). Retransmissions appear once each time they went by.
     */
    List<Message> messages() throws IOException {
        if (!Files.exists(messages)) {
            return List.of();
        }
        List<Message> out = new ArrayList<>();
        for (String line : Files.readAllLines(messages, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            // date, time, epoch, S or R, Call-ID, "CSeq:1 INVITE", first line: tab-separated
            String[] f = line.split("\t");
            if (f.length < 7 || !f[5].startsWith("CSeq:")) {
                throw new AssertionError("unexpected line in SIPp's message log " + messages + ": '" + line
                        + "' (expected: date, time, epoch, S|R, Call-ID, CSeq:N METHOD, first line; tab-separated)");
            }
            out.add(new Message(f[3].equals("R"), f[4], f[5].substring("CSeq:".length()).strip(), f[6].strip()));
        }
        return out;
    }

    Path log() {
        return log;
    }

    /** Stops SIPp (SIGTERM: it writes its final statistics as it goes); idempotent. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static Path findScenarios() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("sipp")) && Files.exists(dir.resolve("sipp/uac-basic.xml"))) {
                return dir.resolve("sipp");
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the sipp/ scenarios folder above " + Path.of("").toAbsolutePath());
    }
}
