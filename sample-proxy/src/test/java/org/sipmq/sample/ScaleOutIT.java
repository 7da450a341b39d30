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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmq.proxy.testing.AdminClient;
import org.sipmq.proxy.testing.FreePorts;
import org.sipmq.proxy.testing.PrometheusText;
import org.sipmq.proxy.testing.RedisServer;

/**
 * Three sample proxies, each in its own JVM as users run them, share {@code acc} and {@code caller_state} in a Redis
 * of the test's own (so that it can be restarted); SIPp callers spread their calls over the nodes, and every node's
 * drain writes CDRs into the same MariaDB tables (database {@code sipmq_scale_it}). A call's INVITE, answer and BYE are
 * each applied exactly once, whichever node added them and whichever node drained them.
 */
class ScaleOutIT {
    private static final String DB = "sipmq_scale_it";
    private static final int NODES = 3;

    @TempDir
    Path dir;

    private RedisServer redis;
    private HikariDataSource db;
    private CdrStore cdrs;
    private final List<ProxyProcess> nodes = new ArrayList<>();
    private final List<int[]> ports = new ArrayList<>(); // {sip, admin}

    @BeforeAll
    static void peers() throws SQLException {
        Sipp.requireInstalled();
        RedisServer.requireInstalled();
        try (HikariDataSource root = TestDatabases.mariaDb();
                Connection c = root.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + DB);
        }
    }

    @BeforeEach
    void start() throws Exception {
        db = TestDatabases.mariaDb(jdbcUrl());
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS cdr, caller_state, acc");
        }
        cdrs = new CdrStore(db);
        redis = RedisServer.start(dir.resolve("redis"));
        for (int i = 0; i < NODES; i++) {
            int[] p = {FreePorts.udpAndTcp(), FreePorts.udpAndTcp()};
            ports.add(p);
            nodes.add(ProxyProcess.start(config(p[0], p[1]), dir.resolve("node" + i)));
        }
    }

    @AfterEach
    void stop() {
        nodes.forEach(ProxyProcess::close);
        if (redis != null) {
            redis.close();
        }
        db.close();
    }

    @Test
    void callsSpreadOverThreeNodesAreEachAccountedExactlyOnce() throws Exception {
        int callsPerNode = 20;
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            runs.add(Run.start(ports.get(i)[0], callsPerNode, 10, dir.resolve("sipp" + i)));
        }
        for (Run r : runs) {
            r.awaitAllSucceeded(callsPerNode);
        }
        int calls = NODES * callsPerNode;
        List<Cdr> rows = Cdrs.await(cdrs, r -> r.size() == calls && r.stream().allMatch(Cdr::complete));
        assertThat(rows).allSatisfy(ScaleOutIT::assertEachEventOnce);
        awaitSharedQueuesEmpty();
        List<PrometheusText> metrics = metrics();
        double adds = metrics.stream().mapToDouble(m -> m.value("mqueue_adds_total", "queue", "acc")).sum();
        double fetches = metrics.stream().mapToDouble(m -> m.value("mqueue_fetches_total", "queue", "acc")).sum();
        assertThat(adds).as("INVITE, answer and BYE of each call, on the node it went through").isEqualTo(3 * calls);
        assertThat(fetches).as("each drained once, by some node").isEqualTo(3 * calls);
        for (int i = 0; i < NODES; i++) {
            PrometheusText m = metrics.get(i);
            assertThat(m.value("mqueue_adds_total", "queue", "acc")).as("node %d's own calls", i)
                    .isEqualTo(3 * callsPerNode);
            assertThat(m.value("mqueue_redis_shipped_total", "queue", "acc")).isEqualTo(3 * callsPerNode);
            assertThat(m.value("mqueue_redis_failed_fast_total", "queue", "acc")).isZero();
            assertThat(m.value("mqueue_redis_buffered", "queue", "acc")).isZero();
        }
        assertThat(nodes).allSatisfy(n -> assertThat(n.terminate(30)).isEqualTo(143));
    }

    @Test
    void aRedisRestartInTheMiddleOfTheCallsLosesNoEventAndAppliesNoneTwice() throws Exception {
        int callsPerNode = 40;
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            runs.add(Run.start(ports.get(i)[0], callsPerNode, 10, dir.resolve("sipp" + i)));
        }
        runs.get(0).awaitSucceeded(10);
        redis.restart(); // SIGTERM, then the same port and append-only file
        for (Run r : runs) {
            r.awaitAllSucceeded(callsPerNode);
        }
        int calls = NODES * callsPerNode;
        List<Cdr> rows = Cdrs.await(cdrs, r -> r.size() == calls && r.stream().allMatch(Cdr::complete));
        assertThat(rows).allSatisfy(ScaleOutIT::assertEachEventOnce);
        awaitSharedQueuesEmpty();
        for (PrometheusText m : metrics()) {
            assertThat(m.value("mqueue_redis_failed_fast_total", "queue", "acc")).isZero();
        }
    }

    /**
     * Node 2 is killed with SIGKILL while its caller still places calls. The calls through the other nodes are each
     * accounted exactly once; node 2's events that reached Redis are drained by the others, none twice; what it had
     * not shipped yet is lost, and measured (printed; docs/scale-out.md). Node 2 adds but does not drain here, so that
     * what its kill can lose is its unshipped buffer alone: a draining node's kill also strands what its drain threads
     * had fetched (other nodes' events included) in their inflight lists in Redis (docs/scale-out.md), which made this
     * test depend on the instant of the kill.
     */
    @Test
    void aNodeKilledWithSigkillLosesAtMostItsUnshippedEventsAndTheOthersDrainTheRest() throws Exception {
        assertThat(nodes.get(2).terminate(30)).isEqualTo(143);
        int[] addsOnly = {FreePorts.udpAndTcp(), FreePorts.udpAndTcp()};
        ports.set(2, addsOnly);
        nodes.set(2, ProxyProcess.start(config(addsOnly[0], addsOnly[1], false), dir.resolve("node2-adds-only")));
        int callsPerNode = 40;
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            runs.add(Run.start(ports.get(i)[0], callsPerNode, 10, dir.resolve("sipp" + i)));
        }
        Run killedRun = runs.get(2);
        killedRun.awaitSucceeded(10);
        nodes.get(2).kill();
        killedRun.stop();
        runs.get(0).awaitAllSucceeded(callsPerNode);
        runs.get(1).awaitAllSucceeded(callsPerNode);

        Set<String> survivors = new java.util.HashSet<>(runs.get(0).callIds());
        survivors.addAll(runs.get(1).callIds());
        Set<String> answeredOnKilled = killedRun.completedCallIds();
        Cdrs.await(cdrs,
                r -> r.stream().filter(c -> survivors.contains(c.callId()) && c.complete()).count() == survivors
                        .size());
        awaitQueueEmptyOn(0);
        Map<String, Cdr> byCall = cdrs.all().stream().collect(Collectors.toMap(Cdr::callId, Function.identity()));
        for (String id : survivors) {
            assertEachEventOnce(byCall.get(id));
        }
        assertThat(byCall.values()).as("no event applied twice, on any node")
                .allSatisfy(c -> assertThat(List.of(c.invites(), c.replies(), c.byes())).allMatch(n -> n <= 1));
        long lostEvents = answeredOnKilled.stream().mapToLong(id -> {
            Cdr c = byCall.get(id);
            return c == null ? 3 : 3 - (c.invites() + c.replies() + c.byes());
        }).sum();
        System.out.println("ScaleOutIT: node 2 killed after " + answeredOnKilled.size()
                + " completed calls; events of those calls lost: " + lostEvents);
        assertThat(answeredOnKilled).as("calls node 2 completed before the kill").isNotEmpty();
    }

    private static void assertEachEventOnce(Cdr r) {
        assertThat(r).as("a CDR").isNotNull();
        assertThat(r.complete()).as("complete: %s", r).isTrue();
        assertThat(r.status()).isEqualTo(200);
        assertThat(List.of(r.invites(), r.replies(), r.byes())).as("events of %s", r.callId()).containsExactly(1, 1,
                1);
    }

    /** A SIPp callee and caller pair placing {@code calls} basic calls through one node. */
    private record Run(Sipp uas, Sipp uac) {
        static Run start(int proxyPort, int calls, int rate, Path dir) throws Exception {
            int uasPort = FreePorts.udpAndTcp();
            Sipp uas = Sipp.uas("uas-answer.xml", uasPort, calls, dir);
            Thread.sleep(300); // let the SIPp callee bind its port
            return new Run(uas, Sipp.uac("uac-basic.xml", uasPort, proxyPort, calls, rate, dir));
        }

        void awaitAllSucceeded(int calls) throws Exception {
            assertThat(uac.await(120)).as("SIPp caller exit code, log %s", uac.log()).isZero();
            assertThat(uac.successfulCalls()).isEqualTo(calls);
            assertThat(uas.await(30)).as("SIPp callee exit code, log %s", uas.log()).isZero();
        }

        void awaitSucceeded(long atLeast) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    if (uac.successfulCalls() >= atLeast) {
                        return;
                    }
                } catch (IOException | RuntimeException | AssertionError notYet) {
                    // SIPp writes its statistics file once a second
                }
                Thread.sleep(200);
            }
            throw new AssertionError("SIPp did not complete " + atLeast + " calls within 60 s; log " + uac.log());
        }

        void stop() {
            uac.stop();
            uas.stop();
        }

        Set<String> callIds() throws IOException {
            return uac.messages().stream().map(Sipp.Message::callId).collect(Collectors.toSet());
        }

        /** Calls whose BYE the caller saw answered 200: their three events were added before the kill. */
        Set<String> completedCallIds() throws IOException {
            return uac.messages().stream().filter(m -> m.received() && m.isResponse(200, "2 BYE"))
                    .map(Sipp.Message::callId).collect(Collectors.toSet());
        }
    }

    private List<PrometheusText> metrics() {
        List<PrometheusText> out = new ArrayList<>();
        for (int[] p : ports) {
            out.add(new AdminClient(new InetSocketAddress("127.0.0.1", p[1]), null).metrics());
        }
        return out;
    }

    /** Every node's {@code mqueue.get_sizes} shows the shared queues empty. */
    private void awaitSharedQueuesEmpty() throws InterruptedException {
        for (int i = 0; i < NODES; i++) {
            awaitQueueEmptyOn(i);
        }
    }

    private void awaitQueueEmptyOn(int node) throws InterruptedException {
        AdminClient admin = new AdminClient(new InetSocketAddress("127.0.0.1", ports.get(node)[1]), null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String sizes = "";
        while (System.nanoTime() < deadline) {
            sizes = admin.call("mqueue.get_sizes").result().toString();
            if (sizes.contains("{\"name\":\"acc\",\"size\":0}")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("acc did not drain within 30 s, as node " + node + " sees it: " + sizes);
    }

    private static String jdbcUrl() {
        return TestDatabases.MYSQL_URL.replace("/test?", "/" + DB + "?");
    }

    private Path config(int sipPort, int adminPort) throws IOException {
        return config(sipPort, adminPort, true);
    }

    /** A node's configuration; without {@code drains}, a node that adds to the shared queues and never drains them. */
    private Path config(int sipPort, int adminPort, boolean drains) throws IOException {
        String text = """
                listen = udp:127.0.0.1:%1$d
                listen = tcp:127.0.0.1:%1$d
                admin.listen = 127.0.0.1:%2$d
                modparam("mqueue", "redis_url", "%3$s")
                modparam("mqueue", "mqueue", "name=acc;backend=redis")
                modparam("mqueue", "mqueue", "name=caller_state;size=10000;addmode=2;backend=redis")
                modparam("rtimer", "timer", "name=acc;interval=100ms;mode=2")
                modparam("rtimer", "exec", "timer=acc;route=ACC_DRAIN")
                modparam("rtimer", "timer", "name=state;interval=200ms;mode=1")
                modparam("rtimer", "exec", "timer=state;route=CALLER_STATE_DRAIN")
                modparam("sample", "cdr_db_url", "%4$s")
                modparam("sample", "acc_batch", 10)
                """.formatted(sipPort, adminPort, redis.url(), jdbcUrl());
        if (!drains) {
            text = text.lines().filter(l -> !l.contains("\"rtimer\"")).collect(Collectors.joining("\n", "", "\n"));
        }
        Path file = dir.resolve("node-" + sipPort + ".cfg");
        Files.writeString(file, text);
        return file;
    }
}
