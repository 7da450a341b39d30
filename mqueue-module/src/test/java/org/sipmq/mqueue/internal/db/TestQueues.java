package org.sipmq.mqueue.internal.db;

import java.util.Arrays;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueues;

/**
 * The one place where persistence tests get their queues. Written before the real queues existed: at merge, return
 * the real implementation here (for example {@code new RealMQueues(List.of(definitions), ...)}) and delete the fakes.
 */
final class TestQueues {
    private TestQueues() {
    }

    static MQueues create(MQueueDefinition... definitions) {
        return new FakeQueues(Arrays.stream(definitions).<org.sipmq.mqueue.MQueue>map(FakeQueue::new).toList());
    }
}
