package org.sipmq.proxy.timer;

/**
 * A timer route: the work a timer's workers do every interval, such as draining a queue. The Java twin of a Kamailio
 * {@code route[NAME]} named by {@code modparam("rtimer", "exec", "timer=t1;route=NAME")}. Bound by that name with
 * {@link TimerRoutes#bind(com.google.inject.Binder, String)}.
 *
 * <pre>
 * final class AccDrain implements TimerRoute {
 *     private final MQueues mq;
 *
 *     &#64;Inject
 *     AccDrain(MQueues mq) {
 *         this.mq = mq;
 *     }
 *
 *     &#64;Override
 *     public void run(TimerContext ctx) {
 *         while (mq.mq_fetch("acc") == 1) {
 *             write(mq.mqk_get("acc"), mq.mqv_get("acc"));
 *         }
 *     }
 * }
 * </pre>
 *
 * <p>
 * A route runs on its worker's own dedicated thread, so thread-local state (fetched queue items, {@code $var}) persists
 * from one run to the next of the same worker. Each worker gets its own instance from the binding, so an unscoped
 * route may keep per-worker fields; a route bound as a singleton is shared by all workers and must be thread-safe.
 * A run may take its time: it delays only its own worker's next run. A run that throws is logged with its timer, worker
 * and route, counted, and the timer goes on.
 */
@FunctionalInterface
public interface TimerRoute {
    /** Runs once; {@code ctx} names the timer, the worker and this route. */
    void run(TimerContext ctx) throws Exception;
}
