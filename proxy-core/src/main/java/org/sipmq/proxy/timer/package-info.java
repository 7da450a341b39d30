/**
 * Kamailio's {@code rtimer}: {@link org.sipmq.proxy.timer.TimerModule} reads the {@code modparam("rtimer", ...)}
 * lines into a {@link org.sipmq.proxy.timer.TimerConfig} and runs each {@link org.sipmq.proxy.timer.TimerRoute}
 * (bound by name with {@link org.sipmq.proxy.timer.TimerRoutes}) on its timer's own workers. May import
 * {@code org.sipmq.proxy} (modules, services), {@code .config} and {@code .pv}; its engine is
 * {@code org.sipmq.proxy.internal.timer}.
 */
package org.sipmq.proxy.timer;
