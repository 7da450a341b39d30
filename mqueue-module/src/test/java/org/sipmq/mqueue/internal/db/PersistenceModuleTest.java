package org.sipmq.mqueue.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.Lifecycle;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.config.ConfigCheck;
import org.sipmq.proxy.config.ConfigErrors;

class PersistenceModuleTest {
    private static final Path SPOOL = Path.of("target", "spool-of-PersistenceModuleTest");

    private static final MQueueDefinition PLAIN = new MQueueDefinition("plain", 0, 0, 0);
    private static final MQueueDefinition SAVED = new MQueueDefinition("acc", 0, 0, 1);

    @Test
    void bindsDatabaseAndPersistenceServicesWhenSomeQueueHasADbmode() {
        Injector injector = injector(new PersistenceModule(Optional.of("mysql://root:@127.0.0.1/test"),
                List.of(PLAIN, SAVED), SPOOL));

        assertThat(services(injector)).extracting(Service::name).containsExactlyInAnyOrder("mqueue-db",
                "mqueue-persistence");
        assertThat(errors(injector)).isEmpty();
    }

    @Test
    void bindsNothingWithoutDbmode() {
        Injector injector = injector(
                new PersistenceModule(Optional.of("mysql://root:@127.0.0.1/test"), List.of(PLAIN), SPOOL));

        assertThat(services(injector)).isEmpty();
        assertThat(errors(injector)).isEmpty();
    }

    @Test
    void reportsAMalformedUrlAndUnsafeNamesTogether() {
        Injector injector = injector(new PersistenceModule(Optional.of("postgres://u:secret@h/db"),
                List.of(SAVED, new MQueueDefinition("a-b", 0, 0, 3)), SPOOL));

        assertThat(services(injector)).isEmpty();
        assertThat(errors(injector)).hasSize(2).satisfiesExactly(
                m -> assertThat(m).startsWith("modparam mqueue db_url: db_url: postgres://u:***@h/db"),
                m -> assertThat(m).startsWith("mqueue: mqueue 'a-b' has dbmode=3 but its name cannot be used"));
    }

    @Test
    void reportsPersistedQueuesThatWouldShareAnH2Table() {
        List<PersistenceModule.Problem> problems = PersistenceModule.problems(Optional.of("jdbc:h2:mem:x"),
                List.of(new MQueueDefinition("q", 0, 0, 1), new MQueueDefinition("Q", 0, 0, 3)));

        assertThat(problems).singleElement().extracting(PersistenceModule.Problem::message).asString()
                .contains("'q' and 'Q'");
        assertThat(PersistenceModule.problems(Optional.of("mysql://root@h/db"),
                List.of(new MQueueDefinition("q", 0, 0, 1), new MQueueDefinition("Q", 0, 0, 3)))).isEmpty();
    }

    @Test
    void reportsAMalformedUrlEvenWhenNoQueueHasADbmode() {
        Injector injector = injector(
                new PersistenceModule(Optional.of("mysql//root@127.0.0.1/test"), List.of(PLAIN), SPOOL));

        assertThat(services(injector)).isEmpty();
        assertThat(errors(injector)).singleElement().asString()
                .startsWith("modparam mqueue db_url: db_url: mysql//root@127.0.0.1/test (expected: ");
    }

    @Test
    void unsafeNameOfAQueueWithoutDbmodeIsFine() {
        assertThat(PersistenceModule.problems(Optional.empty(), List.of(new MQueueDefinition("a-b", 0, 0, 0))))
                .isEmpty();
    }

    @Test
    void servicesFromTheInjectorShareOneDatabaseAndRoundTripAQueue() throws Exception {
        String url = "jdbc:h2:mem:module_test;DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute(String.format(Locale.ROOT, PersistenceContract.DDL, "acc"));
        }
        MQueues queues = TestQueues.create(SAVED);
        Injector injector = Guice.createInjector(new PersistenceModule(Optional.of(url), List.of(SAVED), SPOOL),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(MQueues.class).toInstance(queues);
                    }
                });
        Lifecycle lifecycle = injector.getInstance(Lifecycle.class);
        lifecycle.start();
        queues.queue("acc").add("k", "v");
        lifecycle.stop();

        try (Connection c = DriverManager.getConnection(url);
                ResultSet rs = c.createStatement().executeQuery("SELECT `key`, val FROM acc ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1) + "=" + rs.getString(2)).isEqualTo("k=v");
            assertThat(rs.next()).isFalse();
        }
    }

    private static Injector injector(PersistenceModule module) {
        return Guice.createInjector(module, new AbstractModule() {
            @Override
            protected void configure() {
                bind(MQueues.class).toInstance(TestQueues.create(PLAIN, SAVED));
                Multibinder.newSetBinder(binder(), Service.class);
                Multibinder.newSetBinder(binder(), ConfigCheck.class);
            }
        });
    }

    private static Set<Service> services(Injector injector) {
        return injector.getInstance(Key.get(new TypeLiteral<Set<Service>>() {
        }));
    }

    private static List<String> errors(Injector injector) {
        ConfigErrors errors = new ConfigErrors();
        injector.getInstance(Key.get(new TypeLiteral<Set<ConfigCheck>>() {
        })).forEach(c -> c.check(errors));
        return errors.messages();
    }
}
