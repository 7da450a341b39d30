package org.sipmq.sample;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;

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
}
