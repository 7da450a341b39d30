package org.sipmq.proxy;

/**
 * Routing logic, called on the SIP worker thread for each message of a call: Kamailio's {@code request_route},
 * {@code onreply_route} and {@code failure_route} as one small interface whose methods default to doing nothing.
 *
 * <p>
 * The application declares the order of its hooks in one place, {@link ProxyModule.Builder#hooks}. For a request the
 * hooks run in that order until one of them decides (forward, reply or drop); when none decides, the proxy forwards
 * the request to its Request-URI (following Route headers). Reply and failure hooks run in the same order, all of them
 * for a reply and until one decides for a failure.
 *
 * <p>
 * One interface rather than three keeps a feature that spans the three routes (accounting, say) in one class bound
 * once. Hooks run on the SIP worker threads, several at once for different calls: they must be thread-safe and must
 * never block (no JDBC, no sleep, no waiting on a lock held by slow work). Slow work is queued, for example with
 * {@code mq_add}, and done by timer workers.
 */
public interface RoutingHook {
    /** A request entered the proxy (every method but ACK and CANCEL, which the transaction layer handles). */
    default void onRequest(RequestContext request) {
    }

    /** A response came back on a branch, before it is forwarded upstream (100 Trying included, it is never forwarded). */
    default void onReply(ReplyContext reply) {
    }

    /** Every branch ended without a 2xx; the context holds the best final response, the one to be sent upstream. */
    default void onFailure(FailureContext failure) {
    }
}
