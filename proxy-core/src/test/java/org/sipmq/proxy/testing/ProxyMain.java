package org.sipmq.proxy.testing;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.sipmq.proxy.ProxyModule;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.SipmqMain;

/**
 * A proxy application's {@code main}, run in a child JVM by {@code SipmqMainIT}. {@code run CONFIG} runs until SIGTERM;
 * {@code start-stop CONFIG} starts, stops and returns from {@code main}, so the JVM must end by itself;
 * {@code slow-start CONFIG GATE} runs like {@code run}, but its start-up blocks in a TIMERS-phase service until the file
 * {@code GATE} exists, after a STORAGE-phase service that prints when it stops.
 */
public final class ProxyMain {
    private ProxyMain() {
    }

    public static void main(String[] args) {
        Path config = Path.of(args[1]);
        switch (args[0]) {
            case "run" -> SipmqMain.run(config, new ProxyModule());
            case "slow-start" -> SipmqMain.run(config, new ProxyModule(), new SlowStartModule(Path.of(args[2])));
            default -> {
                Sipmq app = Sipmq.configure(config, new ProxyModule());
                app.start();
                app.stop();
                System.out.println("main returns");
            }
        }
    }

    private static final class SlowStartModule extends AbstractModule {
        private final Path gate;

        SlowStartModule(Path gate) {
            this.gate = gate;
        }

        @Override
        protected void configure() {
            Multibinder<Service> services = Multibinder.newSetBinder(binder(), Service.class);
            services.addBinding().toInstance(new Early());
            services.addBinding().toInstance(new Gate(gate));
        }
    }

    /** Started first; says so when it stops, as a queue with dbmode 1 saves itself then. */
    private static final class Early implements Service {
        @Override
        public String name() {
            return "early";
        }

        @Override
        public Phase phase() {
            return Phase.STORAGE;
        }

        @Override
        public void start() {
            System.out.println("early service started");
        }

        @Override
        public void stop() {
            System.out.println("early service stopped");
        }
    }

    /** Blocks start-up until its gate file exists (at most 60 s). */
    private static final class Gate implements Service {
        private final Path gate;

        Gate(Path gate) {
            this.gate = gate;
        }

        @Override
        public String name() {
            return "gate";
        }

        @Override
        public Phase phase() {
            return Phase.TIMERS;
        }

        @Override
        public void start() throws InterruptedException {
            System.out.println("gate waiting for " + gate);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(gate) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            System.out.println("gate open");
        }

        @Override
        public void stop() {
        }
    }
}
