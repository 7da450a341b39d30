/** The proxy's public API: configuration, routing hooks, pseudo-variables, timers and lifecycle. */
package org.sipmq.proxy;
