package org.sipmq.mqueue.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The persistence contract against H2: embedded in memory, in a file, and over TCP (to take it down). */
class H2PersistenceIT extends PersistenceContract {
    private static final String URL = "jdbc:h2:mem:sipmq_it;DB_CLOSE_DELAY=-1";

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
        return "jdbc:h2:tcp://127.0.0.1:1/mem:nowhere";
    }

    @Override
    Downable downable() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Server[] server = {Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start()};
        String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:down_" + UUID.randomUUID().toString().substring(0, 8)
                + ";DB_CLOSE_DELAY=-1";
        return new Downable() {
            @Override
            public String dbUrl() {
                return url;
            }

            @Override
            public Connection connect() throws SQLException {
                return DriverManager.getConnection(url);
            }

            @Override
            public void takeDown() {
                server[0].stop();
            }

            @Override
            public void restore() throws SQLException {
                server[0] = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start();
            }
        };
    }

    /**
     * The operator's DDL leaves the table name unquoted, which H2 folds to upper case; the proxy quotes it with
     * backticks, which H2 (plain and MODE=MySQL) folds the same way, so the table is found whatever the letter case of
     * the queue's name.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", ";MODE=MySQL"})
    void tableCreatedUnquotedLoadsForAQueueOfAnyLetterCase(String mode) throws Exception {
        String url = "jdbc:h2:mem:unquoted_" + UUID.randomUUID().toString().substring(0, 8) + mode
                + ";DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute(String.format(Locale.ROOT, DDL, "acc"));
            c.createStatement().execute("INSERT INTO acc (`key`, val) VALUES ('a', '1')");
        }
        Run run = start(url, def("Acc", 0, 0, 1));
        assertThat(contents(run.queue("Acc"))).containsExactlyElementsOf(items("a", "1"));
        run.queue("Acc").add("b", "2");
        run.lifecycle().stop();

        assertThat(rows(() -> DriverManager.getConnection(url), "acc")).containsExactlyElementsOf(items("a", "1", "b",
                "2"));
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("DROP ALL OBJECTS");
        }
    }

    @Test
    void fileDatabaseKeepsTheQueueAcrossRestarts(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("sipmq").toAbsolutePath() + ";MODE=MySQL";
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute(String.format(Locale.ROOT, DDL, "acc"));
        }
        Run run = start(url, def("acc", 0, 0, 1));
        run.queue("acc").add("a", "1");
        run.queue("acc").add("b", "2");
        run.lifecycle().stop();

        run = start(url, def("acc", 0, 0, 1));
        assertThat(contents(run.queue("acc"))).containsExactlyElementsOf(items("a", "1", "b", "2"));
        run.lifecycle().stop();
    }
}
