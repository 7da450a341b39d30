package org.sipmq.mqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueueConfig;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.pv.PvEngine;

class QueuesModuleTest {
    private final MQueueConfig config = MQueueConfig.of(new MQueueDefinition("acc", 0, 0, 0));

    @Test
    void bindsOneQueueSetSharedWithThePseudoVariables() {
        Injector injector = Guice.createInjector(new QueuesModule(config, System::nanoTime));
        MQueues mq = injector.getInstance(MQueues.class);
        PvEngine pv = injector.getInstance(PvEngine.class);

        assertThat(injector.getInstance(MQueues.class)).isSameAs(mq);
        assertThat(injector.getInstance(MQueueConfig.class)).isSameAs(config);
        mq.mq_add("acc", "k", "v");
        assertThat(pv.format("$mq_size(acc)")).isEqualTo("1");
        mq.mq_fetch("acc");
        assertThat(pv.format("$mqk(acc)/$mqv(acc)")).isEqualTo("k/v");
    }

    @Test
    void createUsesTheGivenClockAndPseudoVariables() {
        AtomicLong now = new AtomicLong(100);
        MQueues mq = QueuesModule.create(config, Map.of("ru", argument -> "sip:bob@example.com"), now::get);

        mq.mq_add("acc", "$ru", "x");
        now.set(350);

        assertThat(mq.queue("acc").stats().oldestAgeNanos()).isEqualTo(250);
        mq.mq_fetch("acc");
        assertThat(mq.mqk_get("acc")).isEqualTo("sip:bob@example.com");
    }

    @Test
    void twoQueueSetsAreIndependent() {
        MQueues first = QueuesModule.create(config, Map.of(), () -> 0L);
        MQueues second = QueuesModule.create(config, Map.of(), () -> 0L);
        first.mq_add("acc", "k", "v");
        first.mq_fetch("acc");

        assertThat(second.mq_size("acc")).isZero();
        assertThat(second.mqk_get("acc")).isNull();
    }
}
