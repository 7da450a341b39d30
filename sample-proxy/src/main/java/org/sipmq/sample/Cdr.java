package org.sipmq.sample;

/**
 * One row of the sample's {@code cdr} table: one call. Times are epoch milliseconds; {@code answerMillis} is null for
 * a call that was never answered; {@code durationMillis} is null until both the answer and the end are known (and 0
 * for an unanswered call). {@code invites}, {@code replies} and {@code byes} count the events applied to the row, so
 * that an event written twice (or lost) shows.
 */
public record Cdr(String callId, String fromUri, String toUri, Long startMillis, Long answerMillis, Long endMillis,
        Long durationMillis, Integer status, int invites, int replies, int byes) {

    /** True when the row holds everything a finished call should have. */
    public boolean complete() {
        boolean common = fromUri != null && toUri != null && startMillis != null && endMillis != null
                && durationMillis != null && status != null;
        return common && (status >= 300 || answerMillis != null);
    }
}
