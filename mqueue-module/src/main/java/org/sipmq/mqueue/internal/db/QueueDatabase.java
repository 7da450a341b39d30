package org.sipmq.mqueue.internal.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.LocalCacheScope;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.sipmq.proxy.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queues' database (phase {@link Service.Phase#STORAGE}): a small HikariCP pool named {@value #POOL_NAME} and the
 * MyBatis session factory over it. Start fails within {@link #CONNECT_TIMEOUT} when the database is unreachable.
 */
@Singleton
public final class QueueDatabase implements Service {
    private static final Logger log = LoggerFactory.getLogger(QueueDatabase.class);
    static final String POOL_NAME = "sipmq-mqueue-db";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** MySQL Connector/J streams a result set only with this fetch size; H2 takes a plain one. */
    private static final int MYSQL_STREAMING = Integer.MIN_VALUE;
    private static final int H2_FETCH_SIZE = 1000;

    private final DbUrl url;
    private HikariDataSource dataSource;
    private volatile QueueStore store;

    @Inject
    public QueueDatabase(DbUrl url) {
        this.url = url;
    }

    @Override
    public String name() {
        return "mqueue-db";
    }

    @Override
    public Phase phase() {
        return Phase.STORAGE;
    }

    @Override
    public synchronized void start() {
        if (dataSource != null) {
            throw new IllegalStateException("mqueue-db already started");
        }
        try {
            dataSource = new HikariDataSource(poolConfig());
        } catch (RuntimeException e) {
            throw new QueueStoreException("cannot connect to the mqueue database at " + url.target() + " (db_url "
                    + url + "): " + QueueStore.rootMessage(e)
                    + " (expected: a running database server and a right db_url)", e);
        }
        Configuration config = new Configuration(new Environment(POOL_NAME, new JdbcTransactionFactory(), dataSource));
        config.setDefaultFetchSize(url.dialect() == DbUrl.Dialect.MYSQL ? MYSQL_STREAMING : H2_FETCH_SIZE);
        config.setCacheEnabled(false);
        config.setLocalCacheScope(LocalCacheScope.STATEMENT);
        config.addMapper(QueueRowMapper.class);
        store = new QueueStore(new SqlSessionFactoryBuilder().build(config), url);
        log.info("{}: connected to {}", POOL_NAME, url);
    }

    private HikariConfig poolConfig() {
        HikariConfig c = new HikariConfig();
        c.setPoolName(POOL_NAME);
        c.setJdbcUrl(url.jdbcUrl());
        if (url.user() != null) {
            c.setUsername(url.user());
        }
        if (url.password() != null) {
            c.setPassword(url.password());
        }
        // The queues use the database only at start and at stop: no idle connection between the two.
        c.setMinimumIdle(0);
        c.setMaximumPoolSize(2);
        c.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        c.setValidationTimeout(Math.min(CONNECT_TIMEOUT.toMillis(), 3000));
        c.setInitializationFailTimeout(1); // one attempt at start: a database that is down fails start-up now
        if (url.dialect() == DbUrl.Dialect.MYSQL) {
            String lower = url.jdbcUrl().toLowerCase(Locale.ROOT);
            if (!lower.contains("connecttimeout")) {
                c.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT.toMillis()));
            }
            if (!lower.contains("rewritebatchedstatements")) {
                c.addDataSourceProperty("rewriteBatchedStatements", "true");
            }
        }
        return c;
    }

    /** The database, password masked when printed. */
    DbUrl url() {
        return url;
    }

    /** The store; only between start and stop. */
    QueueStore store() {
        QueueStore s = store;
        if (s == null) {
            throw new IllegalStateException("mqueue-db is not started");
        }
        return s;
    }

    @Override
    public synchronized void stop() {
        store = null;
        if (dataSource != null) {
            dataSource.close();
            dataSource = null;
            log.info("{}: closed", POOL_NAME);
        }
    }
}
