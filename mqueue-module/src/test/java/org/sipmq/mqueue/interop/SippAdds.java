package org.sipmq.mqueue.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sipmq.proxy.testing.FreePorts;

/**
 * Drives adds through SIP with SIPp: one MESSAGE per add, one at a time, whose {@code X-Q}, {@code X-K},
 * {@code X-V} headers carry the queue, key and value ({@code mq-add.xml} with an injection file). The same
 * {@link Add}s sent to Kamailio and to sipmq are the same bytes on the wire.
 */
final class SippAdds {
    private SippAdds() {
    }

    /** One {@code mq_add(queue, key, value)}; none of the three may hold {@code ;} (SIPp's field separator). */
    record Add(String queue, String key, String value) {
        Add {
            if ((queue + key + value).contains(";") || (queue + key + value).contains("\n")) {
                throw new IllegalArgumentException("a SIPp injection field cannot hold ';' or a newline: " + this);
            }
        }
    }

    /** Adds from {@code queue;key;value} lines. */
    static List<Add> adds(String... lines) {
        List<Add> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(";", -1);
            if (f.length != 3) {
                throw new IllegalArgumentException("expected queue;key;value: '" + line + "'");
            }
            out.add(new Add(f[0], f[1], f[2]));
        }
        return out;
    }

    /** Fails the test, saying how to install SIPp, when it is not on the PATH. */
    static void requireInstalled() {
        try {
            Process p = new ProcessBuilder("sipp", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new AssertionError("These tests drive SIP with SIPp, but 'sipp' is not on the PATH."
                    + " Install it with 'apt-get install -y sip-tester' (or run 'bash .ci/run').", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends every add, in order, as a MESSAGE to 127.0.0.1:{@code port} over UDP; fails unless each got a 200. */
    static void send(Path dir, int port, List<Add> adds) {
        try {
            Files.createDirectories(dir);
            Path scenario = dir.resolve("mq-add.xml");
            try (InputStream in = SippAdds.class.getResourceAsStream("mq-add.xml")) {
                Files.write(scenario, in.readAllBytes());
            }
            String base = "sipp-" + port + "-" + System.nanoTime();
            Path csv = dir.resolve(base + ".csv");
            StringBuilder text = new StringBuilder("SEQUENTIAL\n");
            for (Add a : adds) {
                text.append(a.queue()).append(';').append(a.key()).append(';').append(a.value()).append('\n');
            }
            Files.writeString(csv, text, StandardCharsets.UTF_8);
            Path log = dir.resolve(base + ".log");
            Process p = new ProcessBuilder("sipp", "127.0.0.1:" + port, "-sf", scenario.toString(), "-inf",
                    csv.toString(), "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.udpAndTcp()), "-m",
                    Integer.toString(adds.size()), "-r", "1000", "-l", "1", "-nostdin", "-timeout", "60s",
                    "-timeout_error",
                    "-trace_err", "-error_file", dir.resolve(base + "-errors.log").toString(), "-trace_msg",
                    "-message_file", dir.resolve(base + "-messages.log").toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("SIPp did not finish within 90 s (log: " + log + ")");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("SIPp exited with " + p.exitValue() + ": not every MESSAGE to port " + port
                        + " got its 200 (log: " + log + ", errors: " + base + "-errors.log)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
