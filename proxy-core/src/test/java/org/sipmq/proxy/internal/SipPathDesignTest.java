package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * By design nothing on the SIP path blocks: no class of the proxy engine or the public API refers to JDBC, sleeps or
 * waits on a monitor. Checked on the compiled classes' constant pools, so a new reference anywhere fails the build.
 */
class SipPathDesignTest {
    /** Classes allowed to wait, and why: none of them runs on the SIP path. */
    private static final List<String> ALLOWED_TO_WAIT = List.of(
            "StripedExecutor", // awaits its workers' end at stop(), on the stopping thread
            "SipmqMain", // its main thread waits for the JVM to end
            "TimerService", // the rtimer workers' own threads wait between runs, and stop() joins them
            "TimerTicker" // TimerService's clock: the pause of an rtimer worker's own thread between runs
    );

    @Test
    void proxyCodeNeverUsesJdbcSleepsOrWaits() throws Exception {
        List<String> offenders = new ArrayList<>();
        for (Path dir : List.of(classesDir().resolve("org/sipmq/proxy/internal"), classesDir().resolve(
                "org/sipmq/proxy"))) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    String pool = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    String name = f.getFileName().toString();
                    if (pool.contains("java/sql/")) {
                        offenders.add(name + " uses JDBC");
                    }
                    boolean allowed = ALLOWED_TO_WAIT.stream().anyMatch(a -> name.startsWith(a));
                    if (!allowed && (pool.contains("\u0005sleep") || pool.contains("awaitTermination") || pool
                            .contains("java/util/concurrent/CountDownLatch"))) {
                        offenders.add(name + " sleeps or waits");
                    }
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void theCheckSeesASleep() throws Exception {
        try (InputStream in = SipPathDesignTest.class.getResourceAsStream("SipPathDesignTest$Sleeper.class")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).contains("\u0005sleep");
        }
    }

    static final class Sleeper {
        void nap() throws InterruptedException {
            Thread.sleep(1);
        }
    }

    private static Path classesDir() throws URISyntaxException, IOException {
        return Path.of(RealSipProxy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
