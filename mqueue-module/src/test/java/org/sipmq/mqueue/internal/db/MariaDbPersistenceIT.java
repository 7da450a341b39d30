package org.sipmq.mqueue.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.testing.TcpForwarder;

/** The persistence contract against the real MariaDB (or MySQL) on 127.0.0.1:3306, through MySQL Connector/J. */
class MariaDbPersistenceIT extends PersistenceContract {
    static final String URL = System.getProperty("sipmq.test.mysql.url",
            "jdbc:mysql://127.0.0.1:3306/test?user=root&password=");
    static final String KAMAILIO_URL = System.getProperty("sipmq.test.mysql.kamailio.url",
            "mysql://root:@127.0.0.1:3306/test");

    private final List<TcpForwarder> forwarders = new ArrayList<>();

    @AfterEach
    void closeForwarders() throws IOException {
        for (TcpForwarder f : forwarders) {
            f.close();
        }
    }

    @BeforeAll
    static void requireMariaDb() {
        try (Connection c = DriverManager.getConnection(URL + "&connectTimeout=3000")) {
            c.isValid(3);
        } catch (SQLException e) {
            fail("MariaDB is not reachable at " + DbUrl.parse(URL) + " (" + e.getMessage() + "). These tests need it:"
                    + " start it with `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`,"
                    + " then `mysql -h127.0.0.1 -uroot -e 'CREATE DATABASE IF NOT EXISTS test'`"
                    + " (or point -Dsipmq.test.mysql.url at another server)", e);
        }
    }

    @Override
    String dbUrl() {
        return URL;
    }

    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection(URL);
    }

    @Override
    String unreachableUrl() {
        return "mysql://root:@127.0.0.1:1/test";
    }

    @Override
    Downable downable() throws Exception {
        String target = DbUrl.parse(URL).target(); // host:port/db
        int port = Integer.parseInt(target.substring(target.indexOf(':') + 1, target.indexOf('/')));
        TcpForwarder forwarder = new TcpForwarder(port);
        forwarders.add(forwarder);
        String url = URL.replaceFirst("//[^/]+/", "//127.0.0.1:" + forwarder.port() + "/");
        return new Downable() {
            @Override
            public String dbUrl() {
                return url;
            }

            @Override
            public Connection connect() throws SQLException {
                return MariaDbPersistenceIT.this.connect();
            }

            @Override
            public void takeDown() throws IOException {
                forwarder.cut();
            }

            @Override
            public void restore() {
                forwarder.restore();
            }
        };
    }

    @Test
    void kamailioFormUrlRoundTrip() throws Exception {
        String t = newTable();
        Run run = start(KAMAILIO_URL, def(t, 0, 0, 1));
        run.queue(t).add("a", "1");
        run.queue(t).add("b", "2");
        run.lifecycle().stop();
        assertThat(rows(t)).containsExactlyElementsOf(items("a", "1", "b", "2"));

        run = start(KAMAILIO_URL, def(t, 0, 0, 1));
        assertThat(contents(run.queue(t))).containsExactlyElementsOf(items("a", "1", "b", "2"));
        run.lifecycle().stop();
    }
}
