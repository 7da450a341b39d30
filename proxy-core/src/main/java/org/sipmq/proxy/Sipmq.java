package org.sipmq.proxy;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.spi.Message;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.sipmq.proxy.config.ConfigCheck;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigException;
import org.sipmq.proxy.config.ConfigFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and runs a sipmq application: reads the configuration file through every {@link SipmqModule}, builds the
 * injector, runs the {@link ConfigCheck}s, and reports every error of all of them together, numbered, before anything
 * starts. Then {@link #start()} starts the {@link Lifecycle} and {@link #stop()} stops it.
 *
 * <pre>
 * Sipmq app = Sipmq.configure(Path.of("sipmq.cfg"), new ProxyModule(), new MQueueModule(), new MyHooks());
 * app.start();
 * app.stopOnShutdown();
 * </pre>
 */
public final class Sipmq {
    private static final Logger log = LoggerFactory.getLogger(Sipmq.class);

    private final Injector injector;
    private final Lifecycle lifecycle;

    private Sipmq(Injector injector) {
        this.injector = injector;
        this.lifecycle = injector.getInstance(Lifecycle.class);
    }

    /** Reads {@code configFile} and builds the application; nothing is started yet. */
    public static Sipmq configure(Path configFile, Module... modules) {
        ConfigErrors errors = new ConfigErrors();
        ConfigFile file = ConfigFile.read(configFile, errors);
        return configure(file, errors, modules);
    }

    /** Builds the application from configuration text, {@code source} naming it in errors. */
    public static Sipmq configure(String source, String text, Module... modules) {
        ConfigErrors errors = new ConfigErrors();
        ConfigFile file = ConfigFile.parse(source, text, errors);
        return configure(file, errors, modules);
    }

    /**
     * Builds the application from a parsed file, adding to {@code errors} those already found.
     *
     * @throws ConfigException listing every configuration error of the file, the modules and the checks
     */
    public static Sipmq configure(ConfigFile file, ConfigErrors errors, Module... modules) {
        for (Module m : modules) {
            if (m instanceof SipmqModule sm) {
                sm.readConfig(file, errors);
            }
        }
        file.reportUnread(errors);
        List<Module> all = new ArrayList<>(List.of(modules));
        all.add(new CoreModule());
        Injector injector;
        try {
            injector = Guice.createInjector(all);
        } catch (CreationException e) {
            if (errors.isEmpty()) {
                throw e;
            }
            // The configuration's own errors come first; Guice's follow, as they may be their consequence.
            for (Message m : e.getErrorMessages()) {
                errors.add("binding", m.getMessage());
            }
            throw new ConfigException(errors.messages());
        }
        for (ConfigCheck check : injector.getInstance(com.google.inject.Key.get(
                new com.google.inject.TypeLiteral<Set<ConfigCheck>>() {
                }))) {
            try {
                check.check(errors);
            } catch (RuntimeException e) { // a broken check must not hide the errors already found
                errors.add("config check " + check.getClass().getName(), "failed: " + e);
            }
        }
        errors.throwIfAny();
        return new Sipmq(injector);
    }

    /** The injector, to get the application's objects (queues, the proxy, ...). */
    public Injector injector() {
        return injector;
    }

    /** Starts every service in phase order; on failure stops what had started and throws. */
    public void start() {
        lifecycle.start();
    }

    /** Stops every service in reverse order. Idempotent, never throws. */
    public void stop() {
        lifecycle.stop();
    }

    /** Stops the application gracefully when the JVM is asked to exit (SIGTERM, Ctrl-C). */
    public void stopOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutdown requested: stopping");
            stop();
        }, "sipmq-shutdown"));
    }
}
