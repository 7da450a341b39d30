package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueueConfig;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.timer.TimerContext;

/** One run of the accounting drain at a time, on the real queue and an embedded H2 database. */
class AccDrainTest {
    private static final TimerContext RUN = new TimerContext("acc", 0, 1, "ACC_DRAIN");

    private final String url = "jdbc:h2:mem:acc-drain-" + UUID.randomUUID() + ";MODE=MySQL;DB_CLOSE_DELAY=-1";
    private final MQueues mq = MQueueModule.queues(MQueueConfig.of(new MQueueDefinition(Accounting.ACC, 0, 0, 0)));
    private SampleDatabase db;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private AccDrain drain(int batch, int delayMillis) {
        SampleSettings settings = new SampleSettings(Map.of(), Optional.empty(), url, batch, delayMillis,
                SampleSettings.AccountingMode.CDR);
        db = new SampleDatabase(settings);
        db.start();
        return new AccDrain(mq, db, settings, registry);
    }

    @AfterEach
    void close() {
        Thread.interrupted(); // never leak an interrupt into the next test
        if (db != null) {
            db.stop();
        }
    }

    private void queueOneCall(String callId) {
        mq.queue(Accounting.ACC).add(callId, CallEvent.invite("sip:a@x", "sip:b@y", 1000));
        mq.queue(Accounting.ACC).add(callId, CallEvent.reply(200, 2000));
        mq.queue(Accounting.ACC).add(callId, CallEvent.bye(3000));
    }

    @Test
    void runWritesTheQueuedEventsOfACallIntoOneRow() {
        AccDrain drain = drain(100, 0);
        queueOneCall("c1");

        drain.run(RUN);

        assertThat(db.cdrs().all()).containsExactly(new Cdr("c1", "sip:a@x", "sip:b@y", 1000L, 2000L, 3000L, 1000L,
                200, 1, 1, 1));
        assertThat(mq.mq_size(Accounting.ACC)).isZero();
    }

    @Test
    void runTakesAtMostOneBatch() {
        AccDrain drain = drain(2, 0);
        queueOneCall("c1");

        drain.run(RUN);

        assertThat(mq.mq_size(Accounting.ACC)).isEqualTo(1);
        assertThat(db.cdrs().all()).singleElement().satisfies(r -> assertThat(r.byes()).isZero());
    }

    @Test
    void interruptedRunPutsWhatItTookBackAndKeepsTheInterrupt() {
        AccDrain drain = drain(100, 60_000); // the simulated I/O after the first item is where the interrupt lands
        queueOneCall("c1");

        Thread.currentThread().interrupt();
        drain.run(RUN);

        assertThat(Thread.interrupted()).as("interrupt flag still set after the run").isTrue();
        assertThat(mq.queue(Accounting.ACC).drainAll()).extracting(MQueueItem::value).containsExactlyInAnyOrder(
                CallEvent.invite("sip:a@x", "sip:b@y", 1000), CallEvent.reply(200, 2000), CallEvent.bye(3000));
        assertThat(db.cdrs().all()).as("nothing written by the interrupted run").isEmpty();
    }

    @Test
    void failedWritePutsTheEventsBackAndTheNextRunWritesThemOnce() throws SQLException {
        AccDrain drain = drain(100, 0);
        queueOneCall("c1");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE cdr RENAME TO cdr_away"); // every CDR upsert now fails
        }

        drain.run(RUN);

        assertThat(mq.queue(Accounting.ACC).size()).as("events back in the queue").isEqualTo(3);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE cdr_away RENAME TO cdr");
        }
        assertThat(db.cdrs().all()).isEmpty();

        drain.run(RUN);

        List<Cdr> rows = db.cdrs().all();
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(List.of(r.invites(), r.replies(), r.byes())).containsExactly(1, 1, 1);
            assertThat(r.complete()).isTrue();
        });
        assertThat(mq.mq_size(Accounting.ACC)).isZero();
    }

    /**
     * An event the CDR table refuses (a Call-ID longer than its column) fails its whole batch; the batch is split, the
     * other calls' events are written, and only the refused events go to acc_dead_letter, with the reason, counted.
     */
    @Test
    void aBatchWithAnEventTheTableRefusesIsSplitAndOnlyThatEventIsDeadLettered() {
        AccDrain drain = drain(100, 0);
        for (int i = 0; i < 10; i++) {
            queueOneCall("good-" + i);
        }
        String poison = "p".repeat(300); // cdr.call_id is VARCHAR(255)
        mq.queue(Accounting.ACC).add(poison, CallEvent.invite("sip:a@x", "sip:b@y", 1000));
        queueOneCall("good-last");
        mq.queue(Accounting.ACC).add("junk", "not an event");

        drain.run(RUN);

        assertThat(db.cdrs().all()).hasSize(11).allSatisfy(r -> {
            assertThat(r.complete()).as("complete: %s", r).isTrue();
            assertThat(List.of(r.invites(), r.replies(), r.byes())).containsExactly(1, 1, 1);
        });
        assertThat(db.cdrs().deadLetters()).extracting(CdrStore.DeadLetter::key).containsExactlyInAnyOrder("junk",
                poison);
        assertThat(db.cdrs().deadLetters()).filteredOn(d -> d.key().equals(poison)).singleElement()
                .satisfies(d -> {
                    assertThat(d.val()).isEqualTo(CallEvent.invite("sip:a@x", "sip:b@y", 1000));
                    assertThat(d.reason()).containsIgnoringCase("CALL_ID");
                });
        assertThat(registry.get("sipmq.sample.acc.dead.letters").counter().count()).isEqualTo(2);
        assertThat(mq.mq_size(Accounting.ACC)).as("nothing put back for a data problem").isZero();
    }
}
