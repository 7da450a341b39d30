package org.sipmq.proxy.admin;

import java.net.InetSocketAddress;

/**
 * The running admin endpoint ({@code /RPC} and {@code /metrics}), bound by {@link AdminModule}. Its address tells the
 * port actually bound, which matters when the configuration asked for port 0 (any free port).
 */
public interface AdminEndpoint {
    /**
     * The address the endpoint listens on.
     *
     * @throws IllegalStateException when the endpoint is not started
     */
    InetSocketAddress address();
}
