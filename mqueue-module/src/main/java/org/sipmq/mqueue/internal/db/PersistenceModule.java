package org.sipmq.mqueue.internal.db;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.config.ConfigCheck;
import org.sipmq.proxy.config.ConfigErrors;

/**
 * Binds queue persistence when some queue has a dbmode: the database ({@link QueueDatabase}, phase STORAGE) and the
 * load/save service ({@link QueuePersistence}, phase QUEUE_STATE), both into the {@code Set<Service>}. Needs
 * {@link org.sipmq.mqueue.MQueues} bound elsewhere. Does no I/O: the URL and the table names are only checked here, and
 * their problems are reported through a {@link ConfigCheck}, with every other configuration error.
 *
 * <p>
 * A dbmode without a {@code db_url} is not reported here: the mqueue configuration reports it, at its line.
 */
public final class PersistenceModule extends AbstractModule {
    private final Optional<String> dbUrl;
    private final List<MQueueDefinition> definitions;
    private final Path spoolDir;

    /**
     * @param dbUrl the raw {@code db_url} modparam value, if set
     * @param definitions every queue definition
     * @param spoolDir where a stop puts what it could not save ({@code spool_dir})
     */
    public PersistenceModule(Optional<String> dbUrl, List<MQueueDefinition> definitions, Path spoolDir) {
        this.dbUrl = dbUrl;
        this.definitions = List.copyOf(definitions);
        this.spoolDir = spoolDir;
    }

    /** A configuration problem: {@code where} names the parameter or the queue. */
    public record Problem(String where, String message) {
    }

    /**
     * Every problem of the persistence settings that can be seen without a database: a malformed {@code db_url} (even
     * when no queue has a dbmode), a persisted queue whose name is not a safe table name, two persisted queues that would share one H2 table.
     */
    public static List<Problem> problems(Optional<String> dbUrl, List<MQueueDefinition> definitions) {
        List<Problem> problems = new ArrayList<>();
        // Checked even when no queue has a dbmode: a db_url line that is there but malformed is a mistake either way.
        DbUrl url = null;
        if (dbUrl.isPresent()) {
            try {
                url = DbUrl.parse(dbUrl.get());
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("modparam mqueue db_url", e.getMessage()));
            }
        }
        List<MQueueDefinition> persisted = definitions.stream().filter(d -> d.dbmode() > 0).toList();
        Map<String, String> byFoldedName = new HashMap<>();
        for (MQueueDefinition d : persisted) {
            TableNames.problem(d.name(), d.dbmode()).ifPresent(m -> problems.add(new Problem("mqueue", m)));
            String other = byFoldedName.putIfAbsent(d.name().toUpperCase(Locale.ROOT), d.name());
            if (other != null && url != null && url.dialect() == DbUrl.Dialect.H2) {
                problems.add(new Problem("mqueue", "mqueues '" + other + "' and '" + d.name()
                        + "' both have a dbmode but H2 folds table names to upper case, so they would share one table"
                        + " (expected: persisted queue names that differ in more than letter case)"));
            }
        }
        return problems;
    }

    @Override
    protected void configure() {
        List<Problem> problems = problems(dbUrl, definitions);
        boolean persisted = definitions.stream().anyMatch(d -> d.dbmode() > 0);
        if (!problems.isEmpty()) {
            Multibinder.newSetBinder(binder(), ConfigCheck.class).addBinding()
                    .toInstance(new ReportProblems(problems));
        }
        if (!persisted || dbUrl.isEmpty() || !problems.isEmpty()) {
            return; // nothing to persist, or start-up will not happen anyway
        }
        bind(DbUrl.class).toInstance(DbUrl.parse(dbUrl.get()));
        bind(QueueSpool.class).toInstance(new QueueSpool(spoolDir));
        Multibinder<Service> services = Multibinder.newSetBinder(binder(), Service.class);
        services.addBinding().to(QueueDatabase.class);
        services.addBinding().to(QueuePersistence.class);
    }

    private record ReportProblems(List<Problem> problems) implements ConfigCheck {
        @Override
        public void check(ConfigErrors errors) {
            problems.forEach(p -> errors.add(p.where(), p.message()));
        }
    }
}
