package org.sipmq.proxy;

import com.google.inject.Module;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
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
 * On SIGTERM the JVM runs {@link Sipmq#stopOnShutdown()}'s hook, which stops every service in reverse phase order,
 * then exits with status 143. A configuration error prints every error and exits with status 2 at once; a start
 * failure exits with status 1.
 */
public final class SipmqMain {
    private static final Logger log = LoggerFactory.getLogger(SipmqMain.class);

    private SipmqMain() {
    }

    /** Runs the application until the JVM is asked to stop; never returns normally. */
    public static void run(Path configFile, Module... modules) {
        Sipmq app;
        try {
            app = Sipmq.configure(configFile, modules);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            app.start();
        } catch (RuntimeException e) {
            log.error("start failed", e);
            System.exit(1);
            return;
        }
        app.stopOnShutdown();
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
