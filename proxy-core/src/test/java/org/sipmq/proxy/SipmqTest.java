package org.sipmq.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.multibindings.Multibinder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmq.proxy.config.ConfigCheck;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigException;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.config.Setting;
import org.sipmq.proxy.pv.PvEngine;

class SipmqTest {
    /** Reads modparam("fake", "level", ...), which must be "ok"; its check finds one more problem if told to. */
    static final class FakeModule extends SipmqModule {
        final List<String> values = new ArrayList<>();
        final boolean checkFails;

        FakeModule(boolean checkFails) {
            this.checkFails = checkFails;
        }

        @Override
        protected void readConfig(ConfigFile file, ConfigErrors errors) {
            for (Setting s : file.module("fake")) {
                if (!s.value().equals("ok")) {
                    errors.add(s, "'" + s.value() + "' (expected: ok)");
                }
                values.add(s.value());
            }
        }

        @Override
        protected void configure() {
            Multibinder.newSetBinder(binder(), ConfigCheck.class).addBinding()
                    .toInstance(errors -> {
                        if (checkFails) {
                            errors.add("fake check", "route 'X' is not bound");
                        }
                    });
        }
    }

    static final class Recording implements Service {
        final List<String> events = new ArrayList<>();

        @Override
        public String name() {
            return "rec";
        }

        @Override
        public Phase phase() {
            return Phase.TIMERS;
        }

        @Override
        public void start() {
            events.add("start");
        }

        @Override
        public void stop() {
            events.add("stop");
        }
    }

    @Test
    void reportsErrorsOfTheFileTheModulesUnreadLinesAndChecksTogetherNumbered() {
        assertThatThrownBy(() -> Sipmq.configure("p.cfg", """
                modparam("fake", "level", "high")
                this is not a line
                colour = red
                """, new FakeModule(true)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
                        "p.cfg:2: expected 'name = value' or 'modparam(\"module\", \"name\", value)', got 'this is"
                                + " not a line'",
                        "p.cfg:1: modparam(\"fake\", \"level\"): 'high' (expected: ok)",
                        "p.cfg:3: colour: unknown parameter",
                        "fake check: route 'X' is not bound"))
                .hasMessageContaining("1) p.cfg:2:")
                .hasMessageContaining("4) fake check:")
                .hasMessageEndingWith("4 errors");
    }

    @Test
    void bindingErrorsFollowTheConfigurationErrors() {
        assertThatThrownBy(() -> Sipmq.configure("p.cfg", "colour = red", new AbstractModule() {
            @Override
            protected void configure() {
                bind(Runnable.class); // an interface with no implementation
            }
        })).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).hasSize(2);
            assertThat(e.errors().get(0)).isEqualTo("p.cfg:1: colour: unknown parameter");
            assertThat(e.errors().get(1)).startsWith("binding: ").contains("Runnable");
        });
    }

    @Test
    void bindingErrorsAloneAreGuicesOwn() {
        assertThatThrownBy(() -> Sipmq.configure("p.cfg", "", new AbstractModule() {
            @Override
            protected void configure() {
                bind(Runnable.class);
            }
        })).isInstanceOf(CreationException.class);
    }

    @Test
    void aCheckThatThrowsIsReportedWithTheOtherErrors() {
        assertThatThrownBy(() -> Sipmq.configure("p.cfg", "colour = red", new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), ConfigCheck.class).addBinding().toInstance(errors -> {
                    throw new IllegalStateException("bug in check");
                });
            }
        })).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).hasSize(2)
                .last().asString().contains("failed: java.lang.IllegalStateException: bug in check"));
    }

    @Test
    void aValidConfigurationBuildsTheApplicationAndStartsAndStopsItsServices() {
        FakeModule fake = new FakeModule(false);
        Recording rec = new Recording();
        Sipmq app = Sipmq.configure("p.cfg", "modparam(\"fake\", \"level\", \"ok\")", fake, new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), Service.class).addBinding().toInstance(rec);
                Multibinder.newSetBinder(binder(), ConfigCheck.class); // a module may declare it too
            }
        });
        assertThat(fake.values).containsExactly("ok");
        assertThat(app.injector().getInstance(MeterRegistry.class)).isNotNull();
        assertThat(app.injector().getInstance(PvEngine.class).has("var")).isTrue();
        app.start();
        app.stop();
        app.stop();
        assertThat(rec.events).containsExactly("start", "stop");
    }

    @Test
    void withoutAnyConfigCheckTheValidConfigurationBuilds() {
        Sipmq app = Sipmq.configure("p.cfg", "", new AbstractModule() {
            @Override
            protected void configure() {
            }
        });
        assertThat(app.injector().getInstance(Lifecycle.class).services()).isEmpty();
    }

    @Test
    void configureReadsAFileAndReportsOneItCannotRead(@TempDir Path dir) throws IOException {
        Path cfg = Files.writeString(dir.resolve("sipmq.cfg"), "colour = red\n");
        assertThatThrownBy(() -> Sipmq.configure(cfg)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.errors()).containsExactly(cfg + ":1: colour: unknown parameter"));
        Path missing = dir.resolve("missing.cfg");
        assertThatThrownBy(() -> Sipmq.configure(missing)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.errors()).singleElement().asString().startsWith(missing + ": cannot read"));
    }
}
