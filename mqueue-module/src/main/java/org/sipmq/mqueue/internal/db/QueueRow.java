package org.sipmq.mqueue.internal.db;

/**
 * One row of a queue's table; key and val are null only when the table allows NULL and holds one (a load error).
 * Public only so that MyBatis can call the constructor without a failed access check (an exception) per row.
 */
public record QueueRow(long id, String key, String val) {
}
