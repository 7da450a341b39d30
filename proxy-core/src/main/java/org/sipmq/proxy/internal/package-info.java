/**
 * The proxy's engine, hidden below {@code org.sipmq.proxy}: JAIN-SIP's parser, messages and TCP transport, the UDP
 * reading threads ({@code UdpProcessorFactory}), validation of what parsed ({@code Validation},
 * {@code MalformedInput}), the proxy's own transaction layer ({@code Transactions}, {@code ServerTx},
 * {@code ClientTx}, {@code ProxyTransaction}), the call stripes ({@code StripedExecutor}) and the hook contexts
 * ({@code Contexts}). Entered through {@code ProxyBindings}, which {@code ProxyModule} installs. May import every public
 * package of proxy-core, never a public Guice module; its subpackages are the engines of {@code .timer} and
 * {@code .admin}. The walk of one INVITE through these classes is in docs/architecture.md.
 */
package org.sipmq.proxy.internal;
