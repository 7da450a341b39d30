package org.sipmq.mqueue.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

    /**
     * A writer's row that gets its id before the load reads the table but commits after: the load does not see it, so
     * it must stay for the next start. A delete of {@code id <= max} took it (it waited for the writer's lock, then
     * deleted the row just committed); the delete of exactly the loaded ids neither waits for it nor touches it.
     */
    @Test
    void aRowCommittedDuringTheLoadWithALowerIdThanTheLoadedOnesStays() throws Exception {
        String t = newTable();
        insertRows(t, "first", "1");
        ExecutorService loader = Executors.newSingleThreadExecutor();
        try (Connection writer = connect()) {
            writer.setAutoCommit(false);
            try (PreparedStatement ps = writer.prepareStatement("INSERT INTO " + t + " (`key`, val) VALUES (?, ?)")) {
                ps.setString(1, "late");
                ps.setString(2, "2");
                ps.executeUpdate(); // id 2, not committed yet
            }
            insertRows(t, "early", "3"); // id 3, committed
            Future<Run> load = loader.submit(() -> start(def(t, 0, 0, 1)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!load.isDone() && !aTransactionWaitsForALock() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            writer.commit();
            Run run = load.get(60, TimeUnit.SECONDS);

            assertThat(contents(run.queue(t))).containsExactlyElementsOf(items("first", "1", "early", "3"));
            assertThat(rows(t)).as("the row committed during the load").containsExactlyElementsOf(items("late", "2"));
            run.queue(t).drainAll();
            run.lifecycle().stop();
        } finally {
            loader.shutdownNow();
        }
    }

    private boolean aTransactionWaitsForALock() throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }
}
