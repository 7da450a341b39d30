package org.sipmq.proxy;

import com.google.inject.Module;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.sipmq.proxy.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of an application's {@code main}: configure from a file, start, and stop gracefully on SIGTERM or Ctrl-C.
 *
 * <pre>
 * public static void main(String[] args) {
 *     SipmqMain.run(Path.of(args[0]), ProxyModule.builder().hooks(MyHooks.class).build(), new MQueueModule());
 * }
 * </pre>
 *
 * On SIGTERM (or Ctrl-C) the JVM runs {@link Sipmq#stopOnShutdown()}'s hook, which stops every service in reverse
 * phase order, then exits with status 143 (130 for Ctrl-C's SIGINT). The hook is registered before start-up begins, so
 * a signal during start-up stops gracefully too: the hook waits for the start in progress to end (the
 * {@link Lifecycle}'s start and stop exclude each other), then stops whatever started. Without that, a queue with
 * dbmode 1 whose rows were already loaded and deleted would be lost. A configuration error prints every error and
 * exits with status 2 at once; a start failure exits with status 1.
 */
public final class SipmqMain {
    private static final Logger log = LoggerFactory.getLogger(SipmqMain.class);

    private SipmqMain() {
    }

    /** Runs the application until the JVM is asked to stop; never returns normally. */
    public static void run(Path configFile, Module... modules) {
        log.info("configuration: {}", configFile.toAbsolutePath());
        run(() -> Sipmq.configure(configFile, modules));
    }

    /**
     * As {@link #run(Path, Module...)}, with a configuration file shipped as a class-path resource next to
     * {@code anchor} (for an application's built-in defaults).
     */
    public static void runBundled(Class<?> anchor, String resource, Module... modules) {
        String text;
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                System.err.println("the bundled configuration '" + resource + "' is missing from the class path of "
                        + anchor.getName());
                System.exit(2);
                return;
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("cannot read the bundled configuration '" + resource + "': " + e);
            System.exit(2);
            return;
        }
        log.info("configuration: the bundled {} (give --config FILE to use another)", resource);
        run(() -> Sipmq.configure(resource, text, modules));
    }

    private static void run(Supplier<Sipmq> configure) {
        Sipmq app;
        try {
            app = configure.get();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // Before start, not after: a SIGTERM during start-up must still stop what started (and save what the
        // persistence loaded). stop() is idempotent, so a start that fails and stops itself is not stopped twice.
        app.stopOnShutdown();
        try {
            app.start();
        } catch (RuntimeException e) {
            log.error("start failed", e);
            System.exit(1);
            return;
        }
        log.info("sipmq started");
        awaitForever();
    }

    private static void awaitForever() {
        CountDownLatch never = new CountDownLatch(1);
        try {
            never.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
