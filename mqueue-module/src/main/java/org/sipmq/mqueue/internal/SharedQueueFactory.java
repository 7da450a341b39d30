package org.sipmq.mqueue.internal;

import org.sipmq.mqueue.MQueueDefinition;

/** Builds the queues whose items live outside this node ({@code backend=redis}); bound only when there are some. */
public interface SharedQueueFactory {
    /**
     * @param index the queue's position in definition order (its slot index)
     */
    EngineQueue create(MQueueDefinition definition, int index);
}
