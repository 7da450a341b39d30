/**
 * The timers' engine: {@code TimerService} (a service of phase {@code TIMERS}) with one {@code TimerWorker} per
 * worker thread, the check that every {@code exec} names a bound route, and the parsers of Kamailio's
 * {@code attr=value;...} strings and intervals. Entered through {@code TimerBindings}, which {@code TimerModule}
 * installs. Public API: {@code org.sipmq.proxy.timer}.
 */
package org.sipmq.proxy.internal.timer;
