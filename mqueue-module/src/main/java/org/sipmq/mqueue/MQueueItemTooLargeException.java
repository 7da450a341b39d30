package org.sipmq.mqueue;

/**
 * An item refused by {@link MQueue#add} because its key or value is longer than its queue's table can store (a queue
 * with dbmode 1 or 3 saves its items there at stop; an item that cannot fit would be lost then). {@code mq_add}
 * returns {@link MQueues#MQ_ADD_TOO_LARGE} instead of throwing. Carries no stack trace: a peer sending such items should
 * cost a counter, not a stack walk.
 */
public final class MQueueItemTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public MQueueItemTooLargeException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
