package org.sipmq.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;

class ProxyConfigTest {
    private static ProxyConfig read(String text, ConfigErrors errors) {
        return ProxyConfig.read(ConfigFile.parse("sipmq.cfg", text, errors), errors);
    }

    @Test
    void readsEveryParameter() {
        ConfigErrors errors = new ConfigErrors();
        ProxyConfig c = read("""
                listen = udp:127.0.0.1:5060
                listen = tcp:127.0.0.1:5070
                sip.workers = 8
                sip.max_message_size = 8192
                sip.udp_receive_buffer = 1048576
                sip.tcp_read_timeout = 2000
                sip.max_in_flight = 500
                sip.retry_after = 3
                sip.t1 = 100
                sip.t4 = 2000
                sip.max_listener_response_time = 60
                sip.max_tx_lifetime_invite = 200
                sip.max_tx_lifetime_non_invite = 40
                sip.record_route = off
                sip.timer_c = 150
                """, errors);
        assertThat(errors.messages()).isEmpty();
        assertThat(c.listen()).containsExactly(ListenAddress.parse("udp:127.0.0.1:5060"), ListenAddress.parse(
                "tcp:127.0.0.1:5070"));
        assertThat(c.workers()).isEqualTo(8);
        assertThat(c.maxMessageSize()).isEqualTo(8192);
        assertThat(c.udpReceiveBufferBytes()).isEqualTo(1_048_576);
        assertThat(c.tcpReadTimeoutMillis()).isEqualTo(2000);
        assertThat(c.maxInFlight()).isEqualTo(500);
        assertThat(c.retryAfterSeconds()).isEqualTo(3);
        assertThat(c.t1Millis()).isEqualTo(100);
        assertThat(c.t4Millis()).isEqualTo(2000);
        assertThat(c.maxListenerResponseTimeSeconds()).isEqualTo(60);
        assertThat(c.maxTxLifetimeInviteSeconds()).isEqualTo(200);
        assertThat(c.maxTxLifetimeNonInviteSeconds()).isEqualTo(40);
        assertThat(c.recordRoute()).isFalse();
        assertThat(c.timerCSeconds()).isEqualTo(150);
    }

    @Test
    void timerCDefaultsAboveThreeMinutesAndMustEndBeforeTheInviteTransactionLifetime() {
        ConfigErrors errors = new ConfigErrors();
        assertThat(read("listen = udp:127.0.0.1:5060\n", errors).timerCSeconds()).isEqualTo(185);
        read("listen = udp:127.0.0.1:5060\nsip.timer_c = 300\n", errors);
        read("listen = udp:127.0.0.1:5060\nsip.max_tx_lifetime_invite = 100\n", errors);
        assertThat(errors.messages()).containsExactly(
                "sipmq.cfg:2: sip.timer_c: '300' (expected: less than sip.max_tx_lifetime_invite = 300 seconds,"
                        + " or the INVITE server transaction ends before Timer C)",
                "sipmq.cfg:2: sip.max_tx_lifetime_invite: '100' (expected: more than sip.timer_c = 185 seconds,"
                        + " or the INVITE server transaction ends before Timer C)");
        assertThatThrownBy(() -> ProxyConfig.builder().listen("udp:127.0.0.1:5060").timerCSeconds(300).build())
                .hasMessageStartingWith("sip.timer_c: 300 (expected: less than sip.max_tx_lifetime_invite = 300");
    }

    @Test
    void printsBackAsConfigurationThatReadsTheSame() {
        ConfigErrors errors = new ConfigErrors();
        ProxyConfig c = read("listen = udp:127.0.0.1:5060\nsip.workers = 3\n", errors);
        ProxyConfig again = read(c.toString(), errors);
        assertThat(errors.messages()).isEmpty();
        assertThat(again.toString()).isEqualTo(c.toString());
        assertThat(c.toString()).startsWith("listen = udp:127.0.0.1:5060\nsip.workers = 3\n");
    }

    @Test
    void reportsEveryErrorWithFileLineParameterValueAndExpectation() {
        ConfigErrors errors = new ConfigErrors();
        read("""
                listen = udp:127.0.0.1:99999
                sip.workers = 0
                sip.max_in_flight = lots
                sip.record_route = maybe
                sip.t1 = 100
                sip.t1 = 200
                """, errors);
        assertThat(errors.messages()).containsExactly(
                "sipmq.cfg:1: listen: port: 99999 (expected: 1..65535)",
                "sipmq.cfg:2: sip.workers: '0' (expected: an integer 1..256)",
                "sipmq.cfg:3: sip.max_in_flight: 'lots' (expected: an integer 1..10000000)",
                "sipmq.cfg:6: sip.t1: given again (first at sipmq.cfg:5; expected: once)",
                "sipmq.cfg:4: sip.record_route: 'maybe' (expected: on or off)");
    }

    @Test
    void requiresAListenAddress() {
        ConfigErrors errors = new ConfigErrors();
        read("sip.workers = 2\n", errors);
        assertThat(errors.messages()).containsExactly("sipmq.cfg: listen: no listen address (expected: at least one"
                + " line such as 'listen = udp:127.0.0.1:5060')");
    }

    @Test
    void builderValidatesEachValue() {
        assertThatThrownBy(() -> ProxyConfig.builder().maxInFlight(0)).hasMessage(
                "sip.max_in_flight: 0 (expected: 1..10000000)");
        assertThatThrownBy(() -> ProxyConfig.builder().build()).hasMessageContaining("listen: none");
        assertThat(ProxyConfig.builder().listen("udp:127.0.0.1:5060").build().workers()).isEqualTo(4);
    }
}
