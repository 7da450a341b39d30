package org.sipmq.proxy;

import java.util.List;

/**
 * The running proxy, bound by {@link ProxyModule}: what it listens on and what it has in flight. Started and stopped
 * by the {@link Lifecycle} as a {@link Service} of phase {@link Service.Phase#TRANSPORT}.
 */
public interface SipProxy {
    ProxyConfig config();

    /** The listen addresses, as configured. */
    List<ListenAddress> listen();

    /** Requests accepted and not yet answered with a final response: what {@code sip.max_in_flight} bounds. */
    int inFlight();

    /** Server plus client transactions held by the SIP stack, including those waiting for their timers to end. */
    int stackTransactions();
}
