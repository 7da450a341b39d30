package org.sipmq.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmq.proxy.testing.FreePorts;
import org.sipmq.proxy.testing.ProxyMain;

/** The proxy process ends cleanly and promptly: on SIGTERM, and when main returns after a stop. */
class SipmqMainIT {
    @TempDir
    Path dir;

    private Process launch(String mode, String... extra) throws IOException {
        int port = FreePorts.udpAndTcp();
        Path config = dir.resolve("sipmq.cfg");
        Files.writeString(config, "listen = udp:127.0.0.1:" + port + "\nlisten = tcp:127.0.0.1:" + port + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), ProxyMain.class
                .getName(), mode, config.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile())
                .start();
    }

    private String output() throws IOException {
        return Files.readString(dir.resolve("out.log"), StandardCharsets.UTF_8);
    }

    @Test
    void sigtermStopsTheProxyGracefullyAndTheProcessExits() throws Exception {
        Process p = launch("run");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!output().contains("sipmq started") && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100); // bounded wait for the child JVM to start
            }
            assertThat(output()).contains("sipmq started");
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("process ended after SIGTERM").isTrue();
            assertThat(p.exitValue()).isEqualTo(143);
            assertThat(output()).contains("shutdown requested: stopping").contains("stopped");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * A SIGTERM while a later service is still starting: the stop waits for that start to end, then stops what had
     * started (a dbmode 1 queue would save itself there). Before the hook was registered ahead of start, the JVM exited
     * at once and the earlier services never stopped.
     */
    @Test
    void sigtermDuringStartUpStillStopsWhatStarted() throws Exception {
        Path gate = dir.resolve("gate");
        Process p = launch("slow-start", gate.toString());
        try {
            awaitOutput(p, "gate waiting");
            p.destroy(); // SIGTERM, start-up still blocked in the gate service
            awaitOutput(p, "shutdown requested: stopping");
            Files.createFile(gate);
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("process ended after SIGTERM; output:\n%s", output())
                    .isTrue();
            assertThat(p.exitValue()).isEqualTo(143);
            assertThat(output()).contains("gate open", "early service stopped");
        } finally {
            p.destroyForcibly();
        }
    }

    /** Waits (bounded) for the child to print {@code text}; fails at once if it exits first. */
    private void awaitOutput(Process p, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!output().contains(text)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the child " + (p.isAlive() ? "did not print" : "exited without printing")
                        + " '" + text + "'; output:\n" + output());
            }
            Thread.sleep(50);
        }
    }

    @Test
    void processEndsByItselfWhenMainReturnsAfterStop() throws Exception {
        Process p = launch("start-stop");
        try {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("process ended by itself; output:\n%s", output())
                    .isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(output()).contains("main returns");
        } finally {
            p.destroyForcibly();
        }
    }
}
