package org.sipmq.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The sample proxy run as users run it, {@code java -jar sample-proxy.jar --config FILE}, in its own JVM, so that tests
 * can stop it with SIGTERM and start it again, or kill it with SIGKILL.
 */
final class ProxyProcess implements AutoCloseable {
    static final String STARTED = "sipmq started";

    private final Process process;
    private final Path log;

    private ProxyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the proxy and waits until it says it has started. */
    static ProxyProcess start(Path config, Path workDir) throws IOException, InterruptedException {
        Path jar = Path.of("target", "sample-proxy.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new AssertionError(jar + " is missing: the integration tests run after 'package' (mvn verify)");
        }
        Files.createDirectories(workDir);
        Path log = workDir.resolve("proxy-" + System.nanoTime() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-jar", jar.toString(), "--config",
                config.toAbsolutePath().toString())).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        ProxyProcess proxy = new ProxyProcess(p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (proxy.output().contains(STARTED)) {
                return proxy;
            }
            if (!p.isAlive()) {
                throw new AssertionError("the sample proxy exited with " + p.exitValue() + " before starting:\n"
                        + proxy.output());
            }
            Thread.sleep(100);
        }
        proxy.close();
        throw new AssertionError("the sample proxy did not start within 60 s:\n" + proxy.output());
    }

    /** What a proxy that was expected not to start did: its exit code and output. */
    record Exit(int code, String output) {
    }

    /** Starts the proxy expecting it to exit before it says it started; waits (bounded) for that exit. */
    static Exit startExpectingExit(Path config, Path workDir, long seconds) throws IOException, InterruptedException {
        Path jar = Path.of("target", "sample-proxy.jar").toAbsolutePath();
        Files.createDirectories(workDir);
        Path log = workDir.resolve("proxy-" + System.nanoTime() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toString(), "--config",
                config.toAbsolutePath().toString())).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        ProxyProcess proxy = new ProxyProcess(p, log);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            proxy.close();
            throw new AssertionError("the sample proxy was expected to exit at start but still ran after " + seconds
                    + " s:\n" + proxy.output());
        }
        return new Exit(p.exitValue(), proxy.output());
    }

    /** SIGKILL, as a crash or an out-of-memory kill: no shutdown hook runs. Waits (bounded) for the process to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the sample proxy did not die within 30 s of SIGKILL");
        }
    }

    /** Sends SIGTERM and waits for a graceful exit; returns the exit code. */
    int terminate(long seconds) throws InterruptedException {
        process.destroy(); // SIGTERM on Linux
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the sample proxy did not exit within " + seconds + " s of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
