package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.testing.TcpForwarder;

/**
 * The real MariaDB lost and found again, through a {@link TcpForwarder} of the test's own that it cuts (the shared
 * server itself is never stopped): during a drain, before a graceful stop of the dbmode 1 queue, and at start.
 */
class DatabaseFaultsIT extends ReliabilityRig {

    /** The CDR database lost while calls flow: the drained events go back into acc, and all are written once it returns. */
    @Test
    void cdrDatabaseLostDuringTheDrainPutsTheEventsBackAndTheCdrsCompleteWhenItReturns() throws Exception {
        int calls = 10;
        try (TcpForwarder relay = new TcpForwarder(mariaDbPort());
                ProxyProcess proxy = ProxyProcess.start(config(1, jdbcUrl(), jdbcUrlThrough(relay.port()), 0, 10),
                        dir)) {
            relay.cut();
            basicCalls(calls);
            await(60, "events put back into acc", () -> metrics().value("sipmq_sample_acc_requeued_total") > 0);
            assertThat(metrics().value("mqueue_size", "queue", "acc")).as("events waiting in acc").isPositive();
            assertThat(count("SELECT COUNT(*) FROM cdr")).as("nothing written while the database is away").isZero();

            relay.restore();

            List<Cdr> rows = awaitCdrs(r -> r.size() == calls && r.stream().allMatch(Cdr::complete));
            assertThat(rows).allMatch(ReliabilityRig::wholeAnsweredCall, "whole answered calls, each event once");
            await(30, "acc drained", () -> metrics().value("mqueue_size", "queue", "acc") == 0);
            assertThat(metrics().value("sipmq_sample_acc_dead_letters_total")).isZero();
            assertThat(proxy.terminate(30)).isEqualTo(143);
        }
    }

    /**
     * The queue's database lost just before a graceful stop of the dbmode 1 {@code acc}: the queued events go to the
     * spool file (Kamailio loses them); the next start loads it, and every call gets its whole CDR, each event once.
     */
    @Test
    void queueDatabaseLostAtAGracefulStopSpoolsTheQueueAndTheNextStartWritesEveryCdr() throws Exception {
        int calls = 20;
        Path spool = dir.resolve("mqueue-spool").resolve("acc.spool");
        try (TcpForwarder relay = new TcpForwarder(mariaDbPort())) {
            // 1 s of simulated I/O per event: most of the 60 events of the calls are still queued at the stop.
            try (ProxyProcess proxy = ProxyProcess.start(config(1, jdbcUrlThrough(relay.port()), jdbcUrl(), 1000, 10),
                    dir)) {
                basicCalls(calls);
                double queued = metrics().value("mqueue_size", "queue", "acc");
                assertThat(queued).as("events queued before the stop").isPositive();
                relay.cut();
                assertThat(proxy.terminate(60)).isEqualTo(143);
                assertThat(proxy.output()).contains("items written to the spool file " + spool)
                        .doesNotContain("LOST");
            }
            assertThat(spool).exists();
            assertThat(count("SELECT COUNT(*) FROM acc")).as("nothing reached the table").isZero();

            relay.restore();
            try (ProxyProcess proxy = ProxyProcess.start(config(1, jdbcUrlThrough(relay.port()), jdbcUrl(), 0, 100),
                    dir)) {
                assertThat(proxy.output()).contains("from the spool file " + spool);
                List<Cdr> rows = awaitCdrs(r -> r.size() == calls && r.stream().allMatch(Cdr::complete));
                assertThat(rows).allMatch(ReliabilityRig::wholeAnsweredCall, "whole answered calls, each event once");
                assertThat(spool).as("deleted once loaded").doesNotExist();
                await(30, "acc drained", () -> metrics().value("mqueue_size", "queue", "acc") == 0);
                assertThat(proxy.terminate(30)).isEqualTo(143);
            }
        }
        assertThat(count("SELECT COUNT(*) FROM acc")).isZero();
    }

    /** The queue's database down at start: the proxy exits naming it, and the table and the spool stay whole. */
    @Test
    void queueDatabaseDownAtStartStopsStartUpNamingItsUrlAndChangesNothing() throws Exception {
        execute("CREATE TABLE acc (id INT AUTO_INCREMENT PRIMARY KEY, `key` VARCHAR(255) NOT NULL DEFAULT '',"
                + " val VARCHAR(4096) NOT NULL DEFAULT '')");
        execute("INSERT INTO acc (`key`, val) VALUES ('call-1', 'INVITE|sip:a@x|sip:b@y|1000')");
        try (TcpForwarder relay = new TcpForwarder(mariaDbPort())) {
            relay.cut();
            ProxyProcess.Exit exit = ProxyProcess.startExpectingExit(
                    config(1, jdbcUrlThrough(relay.port()), jdbcUrl(), 0, 10), dir, 60);

            assertThat(exit.code()).as("exit code, output:%n%s", exit.output()).isNotZero();
            assertThat(exit.output()).contains("cannot connect to the mqueue database at 127.0.0.1:" + relay.port()
                    + "/" + DB).doesNotContain("sipmq started");
        }
        assertThat(count("SELECT COUNT(*) FROM acc")).as("the row is still there").isEqualTo(1);
        assertThat(dir.resolve("mqueue-spool").resolve("acc.spool")).doesNotExist();
    }
}
