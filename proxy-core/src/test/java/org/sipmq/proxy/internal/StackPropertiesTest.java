package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.ProxyConfig;

class StackPropertiesTest {
    private final Properties p = StackProperties.of("s", ProxyConfig.builder().listen("udp:127.0.0.1:5060").build());

    @Test
    void everyMessageGoesToTheProxyNotToTheStacksTransactions() {
        assertThat(p).doesNotContainKeys("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS",
                "gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS");
        assertThat(p.getProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE")).isEqualTo(StackValve.class.getName());
    }

    @Test
    void stackLogsThroughSlf4j() {
        assertThat(p.getProperty("gov.nist.javax.sip.STACK_LOGGER")).isEqualTo(Slf4jStackLogger.class.getName());
        assertThat(p.getProperty("gov.nist.javax.sip.SERVER_LOGGER")).isEqualTo(Slf4jServerLogger.class.getName());
    }

    @Test
    void udpDatagramsGoToTheProxysReadingThreadAndNoDialogsAreKept() {
        assertThat(p.getProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT")).isEqualTo("off");
        assertThat(p.getProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY")).isEqualTo(UdpProcessorFactory.class
                .getName());
    }

    @Test
    void udpSocketsAskForTheConfiguredReceiveBufferNotTheStacks64KiB() {
        assertThat(p.getProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE")).isEqualTo(Integer.toString(4 << 20));
        Properties small = StackProperties.of("s", ProxyConfig.builder().listen("udp:127.0.0.1:5060")
                .udpReceiveBufferBytes(262_144).build());
        assertThat(small.getProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE")).isEqualTo("262144");
    }
}
