/**
 * Pseudo-variables and format strings, as in Kamailio's script: {@link org.sipmq.proxy.pv.PvEngine} evaluates
 * {@code "$rm $fu $var(x)"} with the {@link org.sipmq.proxy.pv.PvProvider}s that modules bind by name
 * ({@code $ci}, {@code $mqk}, {@code $rtimer_worker}...), {@link org.sipmq.proxy.pv.Format} is a parsed format and
 * {@link org.sipmq.proxy.pv.Vars} the thread's {@code $var}s. Imports nothing of sipmq.
 */
package org.sipmq.proxy.pv;
