package org.sipmq.proxy.timer;

/**
 * What a {@link TimerRoute} knows about the run it is in. The same worker index is {@code $rtimer_worker} in formats.
 *
 * @param timer the timer's name, as defined
 * @param worker this worker's index, 0 to {@code workers - 1}: use it to shard work between the workers
 * @param workers how many workers the timer has (its {@code mode})
 * @param route the route's name, as bound and named by {@code exec}
 */
public record TimerContext(String timer, int worker, int workers, String route) {
}
