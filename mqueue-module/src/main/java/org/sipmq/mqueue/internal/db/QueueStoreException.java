package org.sipmq.mqueue.internal.db;

/** A database operation on the queue tables failed; the message names the queue, the table and the database. */
public final class QueueStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QueueStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    QueueStoreException(String message) {
        super(message);
    }
}
