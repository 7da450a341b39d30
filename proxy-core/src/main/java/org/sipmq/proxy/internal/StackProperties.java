package org.sipmq.proxy.internal;

import java.util.Properties;
import org.sipmq.proxy.ProxyConfig;

/**
 * The JAIN-SIP stack properties the proxy runs with; each choice is explained in {@code docs/proxy.md}. The stack is the
 * parser's and the TCP connections' home only: every message goes to the proxy's own transaction layer.
 */
final class StackProperties {
    private StackProperties() {
    }

    static Properties of(String stackName, ProxyConfig config) {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", stackName);
        // A proxy keeps no dialogs: transactions only (RFC 3261 16).
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        // UDP listening points whose reading thread hands every datagram to the proxy, not to the stack's threads.
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", UdpProcessorFactory.class.getName());
        // Every message parsed from a TCP connection goes to the proxy, never to the stack's transactions.
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", StackValve.class.getName());
        // SO_RCVBUF of the UDP sockets: the stack asks for 64 KiB, which a 50 ms pause of the reading thread overflows
        // at a few hundred calls per second (the kernel drops what does not fit, and the peers retransmit).
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(config.udpReceiveBufferBytes()));
        // The stock parser for TCP, counting every parse failure and marking the message for the proxy to refuse.
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", MalformedParserFactory.class.getName());
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(config.maxMessageSize()));
        p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", Integer.toString(config.tcpReadTimeoutMillis()));
        // Not MAX_CLIENT_TRANSACTIONS / MAX_SERVER_TRANSACTIONS: the stack holds no transactions.
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        return p;
    }
}
