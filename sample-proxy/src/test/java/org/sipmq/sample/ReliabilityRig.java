package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.sipmq.proxy.testing.AdminClient;
import org.sipmq.proxy.testing.FreePorts;
import org.sipmq.proxy.testing.PrometheusText;

/**
 * What the reliability tests share: the sample proxy in its own JVM on free ports, its CDRs and its {@code acc} table
 * in the real MariaDB (database {@code sipmq_rel_<pid>} of the test JVM's own, created for each test class and
 * dropped after it, its tables emptied before each test), SIPp, and bounded waits.
 */
abstract class ReliabilityRig {
    /** A database of this JVM's own: other builds on the machine may run these tests at the same time. */
    static final String DB = "sipmq_rel_" + ProcessHandle.current().pid();

    @TempDir
    Path dir;

    int sipPort;
    int adminPort;
    HikariDataSource db;
    CdrStore cdrs;

    @BeforeAll
    static void peers() {
        Sipp.requireInstalled();
        assertThat(TestDatabases.privateDatabase("sipmq_rel")).isEqualTo(DB);
    }

    @AfterAll
    static void dropDatabase() {
        TestDatabases.dropDatabase(DB);
    }

    @BeforeEach
    void cleanDatabase() throws SQLException {
        sipPort = FreePorts.udpAndTcp();
        adminPort = FreePorts.udpAndTcp();
        db = TestDatabases.mariaDb(jdbcUrl());
        execute("DROP TABLE IF EXISTS cdr, caller_state, acc, acc_dead_letter");
        cdrs = new CdrStore(db);
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    static String jdbcUrl() {
        return TestDatabases.url(DB);
    }

    /** The URL of the same database through a relay on {@code port}. */
    static String jdbcUrlThrough(int port) {
        return jdbcUrl().replaceFirst("//[^/]+/", "//127.0.0.1:" + port + "/");
    }

    /** The MariaDB port the relays forward to. */
    static int mariaDbPort() {
        String hostPort = TestDatabases.MYSQL_URL.replaceFirst("^jdbc:mysql://([^/]+)/.*$", "$1");
        return Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1));
    }

    void execute(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A configuration: the ports, the {@code acc} queue (its dbmode), the two drains, and the databases. */
    Path config(int accDbmode, String queueDbUrl, String cdrDbUrl, int drainDelayMillis, int batch)
            throws IOException {
        String text = """
                listen = udp:127.0.0.1:%1$d
                listen = tcp:127.0.0.1:%1$d
                admin.listen = 127.0.0.1:%2$d
                modparam("mqueue", "db_url", "%3$s")
                modparam("mqueue", "mqueue", "name=acc;dbmode=%4$d")
                modparam("mqueue", "mqueue", "name=caller_state;size=10000;addmode=2")
                modparam("rtimer", "timer", "name=acc;interval=100ms;mode=2")
                modparam("rtimer", "exec", "timer=acc;route=ACC_DRAIN")
                modparam("rtimer", "timer", "name=state;interval=200ms;mode=1")
                modparam("rtimer", "exec", "timer=state;route=CALLER_STATE_DRAIN")
                modparam("sample", "cdr_db_url", "%5$s")
                modparam("sample", "acc_drain_delay_ms", %6$d)
                modparam("sample", "acc_batch", %7$d)
                """.formatted(sipPort, adminPort, queueDbUrl, accDbmode, cdrDbUrl, drainDelayMillis, batch);
        Path file = dir.resolve("sipmq-" + System.nanoTime() + ".cfg");
        Files.writeString(file, text);
        return file;
    }

    Path config(int accDbmode, int drainDelayMillis, int batch) throws IOException {
        return config(accDbmode, jdbcUrl(), jdbcUrl(), drainDelayMillis, batch);
    }

    AdminClient admin() {
        return new AdminClient(new InetSocketAddress("127.0.0.1", adminPort), null);
    }

    PrometheusText metrics() {
        return admin().metrics();
    }

    /** Waits (at most {@code seconds}, polling every 200 ms) until {@code done}; fails saying {@code what}. */
    static void await(long seconds, String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try {
                if (done.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // a table not created yet, a proxy not answering yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + ": not within " + seconds + " s");
    }

    /** Waits (bounded) until the CDRs match, then returns them. */
    List<Cdr> awaitCdrs(Predicate<List<Cdr>> done) throws InterruptedException {
        return Cdrs.await(cdrs, done);
    }

    /** Places {@code calls} SIPp basic calls through the proxy and checks that all completed. */
    void basicCalls(int calls) throws Exception {
        int uasPort = FreePorts.udpAndTcp();
        try (Sipp uas = Sipp.uas("uas-answer.xml", uasPort, calls, dir)) {
            Thread.sleep(300); // let the SIPp callee bind its port
            Sipp uac = Sipp.uac("uac-basic.xml", uasPort, sipPort, calls, 10, dir);
            assertThat(uac.await(120)).as("SIPp caller exit code, log %s", uac.log()).isZero();
            assertThat(uac.successfulCalls()).isEqualTo(calls);
            assertThat(uas.await(30)).as("SIPp callee exit code, log %s", uas.log()).isZero();
        }
    }

    static boolean wholeAnsweredCall(Cdr r) {
        return r.complete() && r.status() == 200 && r.invites() == 1 && r.replies() == 1 && r.byes() == 1;
    }

    static Set<String> callIds(List<Sipp.Message> messages, Predicate<Sipp.Message> which) {
        return messages.stream().filter(which).map(Sipp.Message::callId).collect(Collectors.toSet());
    }
}
