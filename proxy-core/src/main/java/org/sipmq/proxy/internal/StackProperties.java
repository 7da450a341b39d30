package org.sipmq.proxy.internal;

import java.util.Properties;
import org.sipmq.proxy.ProxyConfig;

/** The JAIN-SIP stack properties the proxy runs with; each choice is explained in {@code docs/proxy.md}. */
final class StackProperties {
    static final int CONGESTION_TIMEOUT_MILLIS = 2_000;
    /** Processing threads per UDP listening point. */
    static final int UDP_THREADS = 1;

    private StackProperties() {
    }

    static Properties of(String stackName, ProxyConfig config) {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", stackName);
        // A proxy keeps no dialogs: transactions only (RFC 3261 16).
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        // The listener is called on the stack's threads, which hand every message to our worker stripes at once.
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        // One processing thread per UDP listening point keeps the arrival order (a 200 must not overtake its 180);
        // the work runs on the proxy's own worker stripes, chosen by Call-ID.
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(UDP_THREADS));
        // UDP listening points that receive into a reused buffer instead of a new 64 KiB one per datagram.
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", UdpProcessorFactory.class.getName());
        // SO_RCVBUF of the UDP sockets: the stack asks for 64 KiB, which a 50 ms pause of the reading thread overflows
        // at a few hundred calls per second (the kernel drops what does not fit, and the peers retransmit).
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(config.udpReceiveBufferBytes()));
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(config.maxMessageSize()));
        p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", Integer.toString(config.tcpReadTimeoutMillis()));
        // Safety nets: how long a reading thread waits for a transaction busy on another thread, and how long a
        // transaction may live at all (ends those of requests a hook dropped).
        p.setProperty("gov.nist.javax.sip.MAX_LISTENER_RESPONSE_TIME", Integer.toString(config
                .maxListenerResponseTimeSeconds()));
        p.setProperty("gov.nist.javax.sip.MAX_TX_LIFETIME_INVITE", Integer.toString(config
                .maxTxLifetimeInviteSeconds()));
        p.setProperty("gov.nist.javax.sip.MAX_TX_LIFETIME_NON_INVITE", Integer.toString(config
                .maxTxLifetimeNonInviteSeconds()));
        // Not MAX_CLIENT_TRANSACTIONS / MAX_SERVER_TRANSACTIONS: when full, the stack blocks the sending thread or
        // drops silently. The overload valve answers 503 instead.
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", StackValve.class.getName());
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.AGGRESSIVE_CLEANUP", "true");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        // Every response is routed by its Via (received/rport), as RFC 3261 18.2.2 and 3581 say.
        p.setProperty("gov.nist.javax.sip.ALWAYS_ADD_RPORT", "false");
        // A stray response (no transaction) is a 2xx retransmission to forward statelessly: deliver it.
        p.setProperty("gov.nist.javax.sip.REJECT_STRAY_RESPONSES", "false");
        p.setProperty("gov.nist.javax.sip.DELIVER_TERMINATED_EVENT_FOR_ACK", "false");
        // A datagram that waited this long for the reading thread has been retransmitted behind itself already:
        // dropping it sheds the backlog of a proxy that fell behind (8000 by default: the whole INVITE back-off).
        p.setProperty("gov.nist.javax.sip.CONGESTION_CONTROL_TIMEOUT", Integer.toString(CONGESTION_TIMEOUT_MILLIS));
        return p;
    }
}
