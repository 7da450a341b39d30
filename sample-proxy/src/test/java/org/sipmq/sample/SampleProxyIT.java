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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sipmq.proxy.testing.AdminClient;
import org.sipmq.proxy.testing.FreePorts;
import org.sipmq.proxy.testing.PrometheusText;

/**
 * The sample proxy end to end, as users run it: {@code java -jar sample-proxy.jar} in its own JVM, SIPp callers and
 * callees on 127.0.0.1, CDRs and the dbmode 1 queue in the real MariaDB (database {@code sipmq_it_<pid>}), and, for the
 * basic call and the SIGTERM test, on the shipped configuration's embedded H2 too.
 */
class SampleProxyIT {
    /** A database of this JVM's own: other builds on the machine run these tests at the same time. */
    private static final String DB = TestDatabases.privateDatabase("sipmq_it");

    @TempDir
    Path dir;

    private int sipPort;
    private int adminPort;
    private HikariDataSource db;
    private CdrStore cdrs;

    @BeforeAll
    static void peers() {
        Sipp.requireInstalled();
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
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS cdr, caller_state, acc");
        }
        cdrs = new CdrStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void basicCallsAreEachAccountedOnceAndTheQueuesDrain() throws Exception {
        int calls = 20;
        try (ProxyProcess proxy = ProxyProcess.start(config(null, 0), dir)) {
            runCalls("uac-basic.xml", "uas-answer.xml", calls);

            List<Cdr> rows = Cdrs.await(cdrs, r -> r.size() == calls && r.stream().allMatch(Cdr::complete));
            assertThat(rows).allSatisfy(SampleProxyIT::assertWholeBasicCall);
            assertQueuesEmpty();
            assertMetricsMovedWith(calls);
            assertThat(proxy.terminate(30)).isEqualTo(143);
        }
        assertThat(rowCount(db, "acc")).as("nothing left to save at stop").isZero();
    }

    /**
     * The configuration users start with, {@code conf/sample-proxy.cfg} on its embedded H2 database, only its ports
     * changed; its {@code ./data} is under the test's folder. The database file is read once the proxy has stopped, as
     * H2 lets one process open it at a time.
     */
    @Test
    void basicCallsOnTheShippedH2ConfigurationAreEachAccountedOnce() throws Exception {
        int calls = 10;
        try (ProxyProcess proxy = ProxyProcess.start(configOn(Backend.H2, 0), dir)) {
            runCalls("uac-basic.xml", "uas-answer.xml", calls);
            assertQueuesEmpty();
            assertThat(proxy.terminate(30)).isEqualTo(143);
        }
        try (HikariDataSource h2 = open(Backend.H2)) {
            List<Cdr> rows = new CdrStore(h2).all();
            assertThat(rows).hasSize(calls).allSatisfy(SampleProxyIT::assertWholeBasicCall);
            assertThat(rowCount(h2, "acc")).as("nothing left to save at stop").isZero();
            assertThat(rowCount(h2, "caller_state")).as("one caller, one state").isEqualTo(1);
        }
    }

    /** A call of uac-basic.xml: answered, each event applied once, and as long as the scenario's 500 ms pause. */
    private static void assertWholeBasicCall(Cdr r) {
        assertThat(r.complete()).as("complete: %s", r).isTrue();
        assertThat(r.status()).isEqualTo(200);
        assertThat(List.of(r.invites(), r.replies(), r.byes())).as("events of %s", r.callId()).containsExactly(1, 1,
                1);
        assertThat(r.durationMillis()).as("duration of %s", r.callId()).isGreaterThanOrEqualTo(500L);
        assertThat(r.fromUri()).startsWith("sip:caller@");
    }

    @Test
    void busyCalleeIsRetriedOnceOnTheFallbackTarget() throws Exception {
        int calls = 5;
        int busyPort = FreePorts.udpAndTcp();
        int fallbackPort = FreePorts.udpAndTcp();
        try (ProxyProcess proxy = ProxyProcess.start(config("sip:127.0.0.1:" + fallbackPort, 0), dir);
                Sipp busy = Sipp.uas("uas-486.xml", busyPort, calls, dir);
                Sipp answer = Sipp.uas("uas-answer.xml", fallbackPort, calls, dir)) {
            Thread.sleep(300); // let the SIPp callees bind their ports
            Sipp uac = Sipp.uac("uac-basic.xml", busyPort, sipPort, calls, 5, dir);
            assertThat(uac.await(120)).as("SIPp caller exit code, log %s", uac.log()).isZero();
            assertThat(uac.successfulCalls()).isEqualTo(calls);
            assertThat(busy.await(30)).as("busy callee saw every call").isZero();
            assertThat(answer.await(30)).as("fallback callee answered every call").isZero();

            List<Cdr> rows = Cdrs.await(cdrs, r -> r.size() == calls && r.stream().allMatch(Cdr::complete));
            assertThat(rows).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(200);
                assertThat(List.of(r.invites(), r.replies(), r.byes())).containsExactly(1, 1, 1);
            });
            proxy.terminate(30);
        }
    }

    /**
     * uac-reinvite.xml re-INVITEs inside each answered call: the callee rejects one (491), accepts the next. Neither
     * goes to the fallback (a SIPp callee that must see nothing), and each CDR still holds one answer and its BYE.
     */
    @Test
    void reInvitesLeaveTheCdrAloneAndNeverReachTheFallback() throws Exception {
        int calls = 5;
        int fallbackPort = FreePorts.udpAndTcp();
        try (ProxyProcess proxy = ProxyProcess.start(config("sip:127.0.0.1:" + fallbackPort, 0), dir);
                Sipp fallback = Sipp.uas("uas-answer.xml", fallbackPort, calls, dir)) {
            List<Sipp.Message> callee = runCalls("uac-reinvite.xml", "uas-reinvite.xml", calls);

            assertThat(callee.stream().filter(m -> m.received() && m.isRequest("INVITE")).map(m -> m.callId() + " "
                    + m.cseq()).distinct()).as("INVITEs and re-INVITEs at the callee").hasSize(3 * calls);
            List<Cdr> rows = Cdrs.await(cdrs, r -> r.size() == calls && r.stream().allMatch(Cdr::complete));
            assertThat(rows).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(200);
                assertThat(List.of(r.invites(), r.replies(), r.byes())).as("events of %s", r.callId())
                        .containsExactly(1, 1, 1);
                assertThat(r.durationMillis()).as("duration of %s", r.callId()).isGreaterThanOrEqualTo(500L);
            });
            fallback.stop();
            assertThat(fallback.messages()).as("messages at the fallback target").isEmpty();
            proxy.terminate(30);
        }
    }

    @Test
    void cancelledCallsAreAccountedWith487() throws Exception {
        int calls = 5;
        try (ProxyProcess proxy = ProxyProcess.start(config(null, 0), dir)) {
            runCalls("uac-cancel.xml", "uas-cancel.xml", calls);

            List<Cdr> rows = Cdrs.await(cdrs, r -> r.size() == calls && r.stream().allMatch(Cdr::complete));
            assertThat(rows).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(487);
                assertThat(r.answerMillis()).isNull();
                assertThat(List.of(r.invites(), r.replies(), r.byes())).containsExactly(1, 1, 0);
            });
            assertQueuesEmpty();
            proxy.terminate(30);
        }
    }

    /** uac-ack-retrans.xml sends each ACK three times; the proxy forwards every copy, and the callee takes them all. */
    @Test
    void retransmittedAcksReachTheCalleeAndEveryCallCompletes() throws Exception {
        int calls = 10;
        try (ProxyProcess proxy = ProxyProcess.start(config(null, 0), dir)) {
            List<Sipp.Message> callee = runCalls("uac-ack-retrans.xml", "uas-ack-retrans.xml", calls);

            Map<String, Long> acks = callee.stream().filter(m -> m.received() && m.isRequest("ACK")).collect(Collectors
                    .groupingBy(Sipp.Message::callId, Collectors.counting()));
            assertThat(acks).as("ACKs the callee received, by Call-ID").hasSize(calls);
            assertThat(acks.values()).as("ACKs the callee received, by Call-ID: %s", acks).allSatisfy(n -> assertThat(
                    n).isEqualTo(3L));
            List<Cdr> rows = Cdrs.await(cdrs, r -> r.size() == calls && r.stream().allMatch(Cdr::complete));
            assertThat(rows).allSatisfy(r -> assertThat(List.of(r.invites(), r.replies(), r.byes())).containsExactly(
                    1, 1, 1));
            proxy.terminate(30);
        }
    }

    /**
     * SIGTERM while calls flow, with a drain slow enough that accounting is still queued: what was not written before
     * the stop is saved to the {@code acc} table, loaded by the next start and written then. What the SIPp caller and
     * callee logged, by Call-ID, says which events the proxy must have accounted: every INVITE that reached the callee,
     * every answer that reached the caller, every BYE that reached the callee, each exactly once; and a call that
     * completed has one whole row. A call in progress at the stop may lack later events, never have one twice.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void sigtermWhileCallsFlowLosesNoAccountingAndWritesNoneTwice(Backend backend) throws Exception {
        int calls = 40;
        int uasPort = FreePorts.udpAndTcp();
        List<Sipp.Message> caller;
        List<Sipp.Message> callee;
        try (Sipp uas = Sipp.uas("uas-answer.xml", uasPort, calls, dir)) {
            // 100 ms of simulated I/O per item: two workers drain about 18 events/s while 10 calls/s queue 30.
            ProxyProcess proxy = ProxyProcess.start(configOn(backend, 100), dir);
            try {
                Thread.sleep(300);
                try (Sipp uac = Sipp.uac("uac-basic.xml", uasPort, sipPort, calls, 10, dir)) {
                    uac.awaitSuccessfulCalls(20);
                    assertThat(proxy.terminate(60)).as("exit code after SIGTERM").isEqualTo(143);
                    assertThat(proxy.output()).contains("stopping mqueue");
                    // No call can complete once the proxy is gone; SIPp logs every message as it goes.
                    uac.stop();
                    caller = uac.messages();
                }
            } finally {
                proxy.close();
            }
            uas.stop();
            callee = uas.messages();
        }
        Set<String> placed = callIds(caller, m -> !m.received() && m.isRequest("INVITE"));
        Set<String> completed = callIds(caller, m -> m.received() && m.isResponse(200, "2 BYE"));
        Set<String> answered = callIds(caller, m -> m.received() && m.isResponse(200, "1 INVITE"));
        Set<String> invited = callIds(callee, m -> m.received() && m.isRequest("INVITE"));
        Set<String> hungUp = callIds(callee, m -> m.received() && m.isRequest("BYE"));
        assertThat(completed).as("calls completed before the stop").hasSizeGreaterThanOrEqualTo(20);
        try (HikariDataSource store = open(backend)) {
            assertThat(rowCount(store, "acc")).as("queued accounting saved at stop").isPositive();
        }

        try (ProxyProcess restarted = ProxyProcess.start(configOn(backend, 0), dir)) {
            assertQueuesEmpty();
            assertThat(restarted.terminate(30)).isEqualTo(143);
        }
        try (HikariDataSource store = open(backend)) {
            assertThat(rowCount(store, "acc")).as("everything loaded back was written, nothing saved again").isZero();
            List<Cdr> rows = new CdrStore(store).all();
            Map<String, Cdr> byCallId = rows.stream().collect(Collectors.toMap(Cdr::callId, r -> r));
            assertThat(byCallId.keySet()).as("rows of calls the caller placed").isSubsetOf(placed);
            assertThat(rows).allSatisfy(r -> {
                assertThat(r.invites()).as("INVITE events of %s", r.callId()).isLessThanOrEqualTo(1);
                assertThat(r.replies()).as("reply events of %s", r.callId()).isLessThanOrEqualTo(1);
                assertThat(r.byes()).as("BYE events of %s", r.callId()).isLessThanOrEqualTo(1);
            });
            assertThat(invited).as("INVITEs that reached the callee").allSatisfy(id -> assertThat(byCallId.get(id))
                    .as("row of %s", id).isNotNull().extracting(Cdr::invites).isEqualTo(1));
            assertThat(answered).as("answers that reached the caller").allSatisfy(id -> assertThat(byCallId.get(id))
                    .as("row of %s", id).isNotNull().extracting(Cdr::replies).isEqualTo(1));
            assertThat(hungUp).as("BYEs that reached the callee").allSatisfy(id -> assertThat(byCallId.get(id))
                    .as("row of %s", id).isNotNull().extracting(Cdr::byes).isEqualTo(1));
            assertThat(completed).as("completed calls").allSatisfy(id -> assertThat(byCallId.get(id)).as("row of %s",
                    id).isNotNull().matches(SampleProxyIT::wholeAnsweredCall, "one whole answered call"));
        }
    }

    private static Set<String> callIds(List<Sipp.Message> messages, Predicate<Sipp.Message> which) {
        return messages.stream().filter(which).map(Sipp.Message::callId).collect(Collectors.toSet());
    }

    private static boolean wholeAnsweredCall(Cdr r) {
        return r.complete() && r.invites() == 1 && r.replies() == 1 && r.byes() == 1;
    }

    /** Places the calls through the proxy and returns what the callee logged. */
    private List<Sipp.Message> runCalls(String uacScenario, String uasScenario, int calls) throws Exception {
        int uasPort = FreePorts.udpAndTcp();
        try (Sipp uas = Sipp.uas(uasScenario, uasPort, calls, dir)) {
            Thread.sleep(300); // let the SIPp callee bind its port
            Sipp uac = Sipp.uac(uacScenario, uasPort, sipPort, calls, 10, dir);
            assertThat(uac.await(120)).as("SIPp caller exit code, log %s", uac.log()).isZero();
            assertThat(uac.successfulCalls()).isEqualTo(calls);
            assertThat(uac.failedCalls()).isZero();
            assertThat(uas.await(30)).as("SIPp callee exit code, log %s", uas.log()).isZero();
            return uas.messages();
        }
    }

    /** The proxy's {@code /metrics}, scraped as Prometheus text, after {@code calls} basic calls and the drain. */
    private void assertMetricsMovedWith(int calls) {
        PrometheusText m = new AdminClient(new InetSocketAddress("127.0.0.1", adminPort), null).metrics();
        assertThat(m.value("sipmq_sip_requests_total", "method", "INVITE")).isEqualTo(calls);
        assertThat(m.value("sipmq_sip_requests_total", "method", "BYE")).isEqualTo(calls);
        assertThat(m.value("sipmq_sip_replies_total", "code", "180")).isGreaterThanOrEqualTo(calls);
        assertThat(m.value("sipmq_sip_replies_total", "code", "200")).as("INVITE and BYE answers")
                .isGreaterThanOrEqualTo(2 * calls);
        assertThat(m.value("sipmq_sip_in_flight")).isZero();
        assertThat(m.value("mqueue_adds_total", "queue", "acc")).as("INVITE, answer and BYE of each call")
                .isEqualTo(3 * calls);
        assertThat(m.value("mqueue_fetches_total", "queue", "acc")).isEqualTo(3 * calls);
        assertThat(m.value("mqueue_size", "queue", "acc")).isZero();
        assertThat(m.value("sipmq_rtimer_runs_seconds_count", "timer", "acc")).isPositive();
        assertThat(m.value("sipmq_rtimer_failures_total", "timer", "acc", "route", "ACC_DRAIN")).isZero();
    }

    private void assertQueuesEmpty() throws InterruptedException {
        AdminClient admin = new AdminClient(new InetSocketAddress("127.0.0.1", adminPort), null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String sizes = "";
        while (System.nanoTime() < deadline) {
            sizes = admin.call("mqueue.get_sizes").result().toString();
            if (!sizes.matches(".*\"size\":[1-9].*")) {
                assertThat(sizes).contains("\"name\":\"acc\"", "\"name\":\"caller_state\"");
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the queues did not drain within 30 s: " + sizes);
    }

    private static long rowCount(HikariDataSource db, String table) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String jdbcUrl() {
        return TestDatabases.url(DB);
    }

    /** Where a test's proxy keeps its queue table and its CDRs. */
    enum Backend {
        /** The real MariaDB, database {@code sipmq_it_<pid>}, in a configuration written by the test. */
        MARIADB,
        /** The shipped {@code conf/sample-proxy.cfg}: embedded H2 under {@code ./data} (the test's folder). */
        H2
    }

    private Path configOn(Backend backend, int drainDelayMillis) throws IOException {
        if (backend == Backend.MARIADB) {
            return config(null, drainDelayMillis);
        }
        String shipped = Files.readString(Path.of("conf", "sample-proxy.cfg"));
        assertThat(shipped).contains("127.0.0.1:5060", "127.0.0.1:5080", "jdbc:h2:file:./data/sipmq");
        String text = shipped.replace("127.0.0.1:5060", "127.0.0.1:" + sipPort).replace("127.0.0.1:5080",
                "127.0.0.1:" + adminPort);
        if (drainDelayMillis > 0) {
            text += "\nmodparam(\"sample\", \"acc_drain_delay_ms\", " + drainDelayMillis
                    + ")\nmodparam(\"sample\", \"acc_batch\", 10)\n";
        }
        Path file = dir.resolve("sipmq-h2-" + System.nanoTime() + ".cfg");
        Files.writeString(file, text);
        return file;
    }

    /** The test's own connection to where the proxy wrote; for H2, only while no proxy runs. */
    private HikariDataSource open(Backend backend) {
        if (backend == Backend.MARIADB) {
            return TestDatabases.mariaDb(jdbcUrl());
        }
        HikariDataSource h2 = new HikariDataSource();
        h2.setJdbcUrl("jdbc:h2:file:" + dir.resolve("data").resolve("sipmq").toAbsolutePath() + ";MODE=MySQL");
        h2.setMaximumPoolSize(1);
        return h2;
    }

    private Path config(String fallback, int drainDelayMillis) throws IOException {
        String text = """
                listen = udp:127.0.0.1:%1$d
                listen = tcp:127.0.0.1:%1$d
                admin.listen = 127.0.0.1:%2$d
                modparam("mqueue", "db_url", "%3$s")
                modparam("mqueue", "mqueue", "name=acc;dbmode=1")
                modparam("mqueue", "mqueue", "name=caller_state;size=10000;addmode=2")
                modparam("rtimer", "timer", "name=acc;interval=100ms;mode=2")
                modparam("rtimer", "exec", "timer=acc;route=ACC_DRAIN")
                modparam("rtimer", "timer", "name=state;interval=200ms;mode=1")
                modparam("rtimer", "exec", "timer=state;route=CALLER_STATE_DRAIN")
                modparam("sample", "cdr_db_url", "%3$s")
                modparam("sample", "acc_drain_delay_ms", %4$d)
                modparam("sample", "acc_batch", 10)
                """.formatted(sipPort, adminPort, jdbcUrl(), drainDelayMillis);
        if (fallback != null) {
            text += "modparam(\"sample\", \"fallback\", \"" + fallback + "\")\n";
        }
        Path file = dir.resolve("sipmq-" + System.nanoTime() + ".cfg");
        Files.writeString(file, text);
        return file;
    }
}
