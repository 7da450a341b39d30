package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipmq.proxy.testing.FreePorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SIGKILL of the sample proxy under load (a SIPp caller at 20 calls/s, a drain slower than that), for each dbmode of
 * {@code acc}, measuring what docs/persistence.md says a crash loses: everything queued or held by a drain at the
 * kill, in every mode, and nothing written before it; dbmode 1 and 2 also lose the rows loaded at start and not yet
 * drained (their table was emptied at load); dbmode 0 and 3 leave the table as it was.
 */
class CrashIT extends ReliabilityRig {
    private static final Logger log = LoggerFactory.getLogger(CrashIT.class);
    private static final int SEED_CALLS = 5;
    private static final int SEED_ROWS = 3 * SEED_CALLS;

    @ParameterizedTest(name = "dbmode {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void sigkillUnderLoadLosesWhatIsQueuedAndNothingWrittenBefore(int dbmode) throws Exception {
        execute("CREATE TABLE acc (id INT AUTO_INCREMENT PRIMARY KEY, `key` VARCHAR(255) NOT NULL DEFAULT '',"
                + " val VARCHAR(4096) NOT NULL DEFAULT '')");
        for (int i = 0; i < SEED_CALLS; i++) { // left by an earlier graceful stop
            execute("INSERT INTO acc (`key`, val) VALUES ('seed-" + i + "', '" + CallEvent.invite("sip:seed@x",
                    "sip:b@y", 1000) + "'), ('seed-" + i + "', '" + CallEvent.reply(200, 2000) + "'), ('seed-" + i
                    + "', '" + CallEvent.bye(3000) + "')");
        }
        int uasPort = FreePorts.udpAndTcp();
        List<Sipp.Message> caller;
        List<Sipp.Message> callee;
        double queuedAtLastLook;
        try (Sipp uas = Sipp.uas("uas-answer.xml", uasPort, 1000, dir)) {
            // 50 ms of simulated I/O per event: two workers write about 35 events/s while 20 calls/s queue 60.
            ProxyProcess proxy = ProxyProcess.start(config(dbmode, 50, 10), dir);
            try (Sipp uac = Sipp.uac("uac-basic.xml", uasPort, sipPort, 1000, 20, dir)) {
                uac.awaitSuccessfulCalls(40);
                queuedAtLastLook = metrics().value("mqueue_size", "queue", "acc");
                proxy.kill();
                uac.stop();
                caller = uac.messages();
            } finally {
                proxy.close();
            }
            uas.stop();
            callee = uas.messages();
        }
        Map<String, Cdr> atKill = byCallId(cdrs.all());
        long tableAtKill = count("SELECT COUNT(*) FROM acc");

        try (ProxyProcess restarted = ProxyProcess.start(config(dbmode, 0, 100), dir)) {
            await(30, "acc drained after the restart", () -> metrics().value("mqueue_size", "queue", "acc") == 0);
            assertThat(restarted.terminate(30)).isEqualTo(143);
        }
        Map<String, Cdr> after = byCallId(cdrs.all());
        long tableAfter = count("SELECT COUNT(*) FROM acc");

        Set<String> invited = callIds(callee, m -> m.received() && m.isRequest("INVITE"));
        Set<String> answered = callIds(caller, m -> m.received() && m.isResponse(200, "1 INVITE"));
        Set<String> hungUp = callIds(callee, m -> m.received() && m.isRequest("BYE"));
        long observed = invited.size() + answered.size() + hungUp.size();
        long written = invited.stream().filter(id -> events(after, id, Cdr::invites) > 0).count()
                + answered.stream().filter(id -> events(after, id, Cdr::replies) > 0).count()
                + hungUp.stream().filter(id -> events(after, id, Cdr::byes) > 0).count();
        long lost = observed - written;
        long seedWritten = after.entrySet().stream().filter(e -> e.getKey().startsWith("seed-"))
                .mapToLong(e -> e.getValue().invites() + e.getValue().replies() + e.getValue().byes()).sum();
        log.info("CRASH dbmode={}: {} events reached a peer, {} written, {} LOST ({} queued a moment before the"
                + " kill); seed rows: {} written, {} in the table after the kill, {} lost", dbmode, observed, written,
                lost, (long) queuedAtLastLook, seedWritten, tableAtKill, SEED_ROWS - seedWritten - tableAtKill);

        assertThat(after.values()).as("no event written twice").allSatisfy(r -> assertThat(List.of(r.invites(),
                r.replies(), r.byes())).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1)));
        assertThat(after).as("the restart recovers nothing the crash lost").isEqualTo(atKill);
        assertThat(queuedAtLastLook).as("events queued under load").isPositive();
        assertThat(lost).as("a crash loses the queued events, in every dbmode").isPositive();
        switch (dbmode) {
            case 0 -> {
                assertThat(tableAtKill).as("dbmode 0 never touches its table").isEqualTo(SEED_ROWS);
                assertThat(seedWritten).isZero();
                assertThat(tableAfter).isEqualTo(SEED_ROWS);
            }
            case 1, 2 -> {
                assertThat(tableAtKill).as("dbmode %d empties its table at start", dbmode).isZero();
                assertThat(seedWritten).as("loaded rows written before the kill").isLessThanOrEqualTo(SEED_ROWS);
                assertThat(tableAfter).isZero();
            }
            case 3 -> {
                assertThat(tableAtKill).as("dbmode 3 never loads nor clears, and a crash appends nothing")
                        .isEqualTo(SEED_ROWS);
                assertThat(seedWritten).isZero();
                assertThat(tableAfter).as("the graceful stop after the restart had nothing to append")
                        .isEqualTo(SEED_ROWS);
            }
            default -> throw new IllegalArgumentException("dbmode " + dbmode);
        }
    }

    private static Map<String, Cdr> byCallId(List<Cdr> rows) {
        return rows.stream().collect(Collectors.toMap(Cdr::callId, r -> r));
    }

    private static int events(Map<String, Cdr> rows, String callId, java.util.function.ToIntFunction<Cdr> which) {
        Cdr r = rows.get(callId);
        return r == null ? 0 : which.applyAsInt(r);
    }

}
