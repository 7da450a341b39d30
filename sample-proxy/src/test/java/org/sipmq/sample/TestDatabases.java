package org.sipmq.sample;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The real MariaDB the integration tests use; failing, not skipping, when it is not there. */
final class TestDatabases {
    static final String MYSQL_URL = System.getProperty("sipmq.test.mysql.url",
            "jdbc:mysql://127.0.0.1:3306/test?user=root&password=");

    private TestDatabases() {
    }

    static HikariDataSource mariaDb() {
        return mariaDb(MYSQL_URL);
    }

    static HikariDataSource mariaDb(String url) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setMaximumPoolSize(2);
        ds.setConnectionTimeout(3000);
        ds.setInitializationFailTimeout(-1);
        try (Connection c = ds.getConnection()) {
            c.isValid(2);
            return ds;
        } catch (SQLException e) {
            ds.close();
            throw new AssertionError("MariaDB is needed at " + url + " (user root, empty password, database"
                    + " test) but is not reachable: " + e.getMessage() + ". Start it with 'start-stop-daemon --start"
                    + " --oknodo --background --exec /usr/sbin/mariadbd' or run 'bash .ci/run'.", e);
        }
    }

    /**
     * The name of a database of this test JVM's own on the shared MariaDB, created if missing: other builds on the
     * machine (other worktrees of the repository) run the same tests at the same time, and would drop and fill the
     * same tables under them in a shared database. Drop it with {@link #dropDatabase} when done.
     */
    static String privateDatabase(String base) {
        String name = base + "_" + ProcessHandle.current().pid();
        try (HikariDataSource root = mariaDb();
                Connection c = root.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + name);
        } catch (SQLException e) {
            throw new AssertionError("cannot create the test database " + name + " at " + MYSQL_URL + ": "
                    + e.getMessage(), e);
        }
        return name;
    }

    static void dropDatabase(String name) {
        try (HikariDataSource root = mariaDb();
                Connection c = root.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
        } catch (SQLException e) {
            throw new AssertionError("cannot drop the test database " + name + ": " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of another database on the same server. */
    static String url(String database) {
        return MYSQL_URL.replace("/test?", "/" + database + "?");
    }
}
