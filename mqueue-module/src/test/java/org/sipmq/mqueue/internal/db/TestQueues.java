package org.sipmq.mqueue.internal.db;

import java.util.List;
import java.util.Optional;
import org.sipmq.mqueue.MQueueConfig;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueues;

/** The one place where persistence tests get their queues: the real ones. */
final class TestQueues {
    private TestQueues() {
    }

    static MQueues create(MQueueDefinition... definitions) {
        // The queues never touch the database: the URL only satisfies the check that a dbmode comes with one.
        return MQueueModule.queues(MQueueConfig.of(List.of(definitions), Optional.of("jdbc:h2:mem:unused")));
    }
}
