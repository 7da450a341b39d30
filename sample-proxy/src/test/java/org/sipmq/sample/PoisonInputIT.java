package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.testing.PrometheusText;

/**
 * Poison input through the real sample proxy: INVITEs that parse but carry a 61 KB Call-ID or an 8 KB To URI, sent as
 * raw UDP next to good SIPp calls. One bad call never costs the good calls their CDRs, and nothing is lost at stop.
 */
class PoisonInputIT extends ReliabilityRig {
    private static final int POISON = 5;
    private static final int GOOD = 10;

    /**
     * With a dbmode 1 {@code acc} ({@code key VARCHAR(255)}): the 61 KB Call-IDs are refused by {@code mq_add} (-3,
     * counted twice a call: its INVITE and its 486), the 8 KB To URIs are cut to 255 characters and their calls
     * accounted; the good calls all get whole CDRs, and the graceful stop finds nothing it cannot save. The proxy's
     * own bound on header lines ({@code sip.max_header_line}, 4096 by default, which answers such requests 400 or 414
     * before any hook sees them) is raised to 65536 here, so that what is tested is the sample's and the queue's own
     * handling, the defence behind it.
     */
    @Test
    void longCallIdsAreRefusedAtAddLongToUrisAreCutAndTheGoodCallsAllGetTheirCdrs() throws Exception {
        java.nio.file.Path config = config(1, 0, 100);
        java.nio.file.Files.writeString(config, "sip.max_header_line = 65536\n",
                java.nio.file.StandardOpenOption.APPEND);
        try (ProxyProcess proxy = ProxyProcess.start(config, dir); UdpPeers peers = new UdpPeers()) {
            for (int i = 0; i < POISON; i++) {
                peers.invite(sipPort, "c".repeat(61_000) + i, "sip:busy@127.0.0.1:" + peers.calleePort(), i);
                peers.invite(sipPort, "long-to-" + i, "sip:" + "t".repeat(8_000) + "@127.0.0.1", POISON + i);
            }
            basicCalls(GOOD);

            List<Cdr> rows = awaitCdrs(r -> r.size() == GOOD + POISON && r.stream().allMatch(Cdr::complete));
            assertThat(rows).filteredOn(r -> r.callId().startsWith("long-to-")).hasSize(POISON).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(486);
                assertThat(r.toUri()).as("To URI of %s", r.callId()).hasSize(Accounting.MAX_URI).startsWith("sip:ttt");
                assertThat(List.of(r.invites(), r.replies(), r.byes())).containsExactly(1, 1, 0);
            });
            assertThat(rows).filteredOn(r -> !r.callId().startsWith("long-to-")).hasSize(GOOD)
                    .allMatch(ReliabilityRig::wholeAnsweredCall, "whole answered calls");
            PrometheusText m = metrics();
            assertThat(m.value("mqueue_refused_total", "queue", "acc")).as("INVITE and 486 of each long Call-ID")
                    .isEqualTo(2 * POISON);
            assertThat(m.value("sipmq_sample_acc_refused_total")).isEqualTo(2 * POISON);
            assertThat(m.value("sipmq_sample_acc_uris_cut_total")).as("one To URI per INVITE").isEqualTo(POISON);
            assertThat(m.value("sipmq_sample_acc_dead_letters_total")).isZero();
            assertThat(m.value("sipmq_rtimer_failures_total", "timer", "acc", "route", "ACC_DRAIN")).isZero();
            assertThat(peers.invitesAnswered()).as("the callee saw the poison calls")
                    .isGreaterThanOrEqualTo(2 * POISON);

            assertThat(proxy.terminate(30)).isEqualTo(143);
            assertThat(proxy.output()).doesNotContain("LOST").doesNotContain("spool file");
        }
        assertThat(count("SELECT COUNT(*) FROM acc")).as("nothing left to save").isZero();
        assertThat(dir.resolve("mqueue-spool").resolve("acc.spool")).doesNotExist();
    }

    /**
     * With an operator's {@code cdr} table narrower than what the sample takes ({@code call_id VARCHAR(64)}) and a
     * dbmode 0 {@code acc} (no table, no limit at add), 100-character Call-IDs reach the drain: each batch that holds
     * one fails, is split, and only the poison events go to {@code acc_dead_letter}, with the database's reason.
     */
    @Test
    void cdrEventsTheTableRefusesGoToTheDeadLetterTableAndTheirBatchesStillWriteTheRest() throws Exception {
        execute("CREATE TABLE cdr (call_id VARCHAR(64) NOT NULL PRIMARY KEY, from_uri VARCHAR(255),"
                + " to_uri VARCHAR(255), start_ms BIGINT, answer_ms BIGINT, end_ms BIGINT, duration_ms BIGINT,"
                + " status INT, invites INT NOT NULL DEFAULT 0, replies INT NOT NULL DEFAULT 0,"
                + " byes INT NOT NULL DEFAULT 0)");
        Path config = config(0, 0, 100);
        try (ProxyProcess proxy = ProxyProcess.start(config, dir); UdpPeers peers = new UdpPeers()) {
            for (int i = 0; i < POISON; i++) {
                peers.invite(sipPort, "x".repeat(100) + i, "sip:busy@127.0.0.1:" + peers.calleePort(), i);
            }
            basicCalls(GOOD);

            List<Cdr> rows = awaitCdrs(r -> r.size() == GOOD && r.stream().allMatch(Cdr::complete));
            assertThat(rows).allMatch(ReliabilityRig::wholeAnsweredCall, "whole answered calls");
            await(30, "dead letters of the poison calls", () -> cdrs.deadLetters().size() == 2 * POISON);
            assertThat(cdrs.deadLetters()).allSatisfy(d -> {
                assertThat(d.key()).startsWith("xxxx").hasSize(101);
                assertThat(d.val()).matches("(INVITE|REPLY)\\|.*");
                assertThat(d.reason()).as("reason").containsIgnoringCase("call_id");
            });
            PrometheusText m = metrics();
            assertThat(m.value("sipmq_sample_acc_dead_letters_total")).isEqualTo(2 * POISON);
            assertThat(m.value("sipmq_sample_acc_requeued_total")).as("a data problem is not put back").isZero();
            assertThat(m.value("mqueue_size", "queue", "acc")).isZero();
            assertThat(m.value("sipmq_rtimer_failures_total", "timer", "acc", "route", "ACC_DRAIN")).isZero();
            assertThat(proxy.terminate(30)).isEqualTo(143);
        }
    }
}
