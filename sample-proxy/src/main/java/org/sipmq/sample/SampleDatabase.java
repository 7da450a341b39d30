package org.sipmq.sample;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.sipmq.proxy.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample's database (phase STORAGE): a small HikariCP pool on {@code cdr_db_url}, and, at start, the tables the
 * sample needs when they do not exist yet: {@code cdr}, {@code caller_state}, and the mqueue table {@code acc} of the
 * dbmode 1 queue (an operator creates it in a Kamailio deployment; the sample does it so that it runs on an empty
 * database).
 */
@Singleton
final class SampleDatabase implements Service {
    private static final Logger log = LoggerFactory.getLogger(SampleDatabase.class);

    private final SampleSettings settings;
    private HikariDataSource pool;
    private CdrStore cdrs;

    @Inject
    SampleDatabase(SampleSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "sample-database";
    }

    @Override
    public Phase phase() {
        return Phase.STORAGE;
    }

    @Override
    public synchronized void start() {
        HikariConfig c = new HikariConfig();
        c.setPoolName("sipmq-sample-db");
        c.setJdbcUrl(settings.cdrDbUrl());
        c.setMaximumPoolSize(4);
        c.setMinimumIdle(0);
        c.setConnectionTimeout(5000);
        try {
            pool = new HikariDataSource(c);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to the sample's CDR database " + masked() + ": "
                    + e.getMessage(), e);
        }
        cdrs = new CdrStore(pool);
        cdrs.createTables();
        log.info("CDR database ready at {}", masked());
    }

    @Override
    public synchronized void stop() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    CdrStore cdrs() {
        CdrStore s = cdrs;
        if (s == null) {
            throw new IllegalStateException("the sample database is not started");
        }
        return s;
    }

    private String masked() {
        return settings.cdrDbUrl().replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
