/**
 * The proxy and the application around it, the API a user reads first: {@link org.sipmq.proxy.Sipmq} builds and runs
 * an application from a configuration file and Guice modules, {@link org.sipmq.proxy.ProxyModule} declares the
 * {@link org.sipmq.proxy.RoutingHook}s, which see a request, a reply or a failure through its context
 * ({@link org.sipmq.proxy.RequestContext}, {@link org.sipmq.proxy.ReplyContext},
 * {@link org.sipmq.proxy.FailureContext}); {@link org.sipmq.proxy.Service}s start and stop in phases through the
 * {@link org.sipmq.proxy.Lifecycle}.
 *
 * <p>
 * Beside it, one package per concern: {@code .config} (the file and its errors), {@code .pv} (pseudo-variables and
 * format strings), {@code .timer} (Kamailio's rtimer), {@code .admin} (JSON-RPC and metrics). This package may import
 * {@code .config} and {@code .pv}, never {@code .timer} or {@code .admin} (they build on it); the engine is in
 * {@code .internal}, which no public signature names (docs/architecture.md).
 */
package org.sipmq.proxy;
