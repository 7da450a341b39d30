package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueueConfig;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.pv.Vars;
import org.sipmq.proxy.timer.TimerContext;

/** The fetch-only drain of {@code accounting = invite}, one run at a time, on the real queue. */
class AccFetchTest {
    private static final TimerContext RUN = new TimerContext("acc", 0, 1, "ACC_DRAIN");

    private final MQueues mq = MQueueModule.queues(MQueueConfig.of(new MQueueDefinition(Accounting.ACC, 0, 0, 0)));

    private AccFetch drain(int batch) {
        return new AccFetch(mq, new SampleSettings(Map.of(), Optional.empty(), SampleSettings.DEFAULT_CDR_DB_URL,
                batch, 0, SampleSettings.AccountingMode.INVITE));
    }

    @AfterEach
    void clear() {
        Thread.interrupted();
        Vars.clear();
    }

    private void queue(int items) {
        for (int i = 0; i < items; i++) {
            mq.queue(Accounting.ACC).add("call-" + i, "INVITE|sip:a@x|sip:b@y|" + i);
        }
    }

    @Test
    void runFetchesEverythingQueuedUpToTheBatch() {
        queue(250);

        drain(100_000).run(RUN);

        assertThat(mq.mq_size(Accounting.ACC)).isZero();
    }

    @Test
    void runTakesAtMostOneBatch() {
        queue(5);

        drain(2).run(RUN);

        assertThat(mq.mq_size(Accounting.ACC)).isEqualTo(3);
        assertThat(mq.queue(Accounting.ACC).drainAll()).first().satisfies(i -> assertThat(i.key())
                .isEqualTo("call-2"));
    }

    @Test
    void runLeavesNoVariablesSet() {
        queue(1);

        drain(10).run(RUN);

        assertThat(Vars.get("key")).isNull();
        assertThat(Vars.get("value")).isNull();
    }

    @Test
    void runOnAnEmptyQueueDoesNothing() {
        drain(10).run(RUN);

        assertThat(mq.mq_size(Accounting.ACC)).isZero();
    }
}
