package org.sipmq.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListenAddressTest {
    @Test
    void parsesTransportHostAndPort() {
        ListenAddress a = ListenAddress.parse("UDP:127.0.0.1:5060");
        assertThat(a).isEqualTo(new ListenAddress("udp", "127.0.0.1", 5060));
        assertThat(a.toString()).isEqualTo("udp:127.0.0.1:5060");
    }

    @Test
    void parsesBracketedIpv6() {
        ListenAddress a = ListenAddress.parse("tcp:[::1]:5080");
        assertThat(a.host()).isEqualTo("::1");
        assertThat(a.toString()).isEqualTo("tcp:[::1]:5080");
    }

    @Test
    void rejectsUnknownTransportNamingTheExpectation() {
        assertThatThrownBy(() -> ListenAddress.parse("tls:127.0.0.1:5061")).hasMessage(
                "transport: tls (expected: udp or tcp)");
    }

    @Test
    void rejectsBadPortAndHostName() {
        assertThatThrownBy(() -> ListenAddress.parse("udp:127.0.0.1:0")).hasMessage(
                "port: 0 (expected: 1..65535)");
        assertThatThrownBy(() -> ListenAddress.parse("udp:127.0.0.1:x")).hasMessageContaining(
                "expected: a number 1..65535");
        assertThatThrownBy(() -> ListenAddress.parse("udp:localhost:5060")).hasMessageContaining(
                "expected: an IP address");
        assertThatThrownBy(() -> ListenAddress.parse("127.0.0.1")).hasMessageContaining("expected: udp:IP:PORT");
    }

    @Test
    void rejectsWildcardAddressesWrittenInViaAndRecordRoute() {
        assertThatThrownBy(() -> ListenAddress.parse("udp:0.0.0.0:5060")).hasMessage(
                "host: 0.0.0.0 (expected: the address peers reach, not a wildcard: it is written in Via and"
                        + " Record-Route)");
        assertThatThrownBy(() -> ListenAddress.parse("tcp:[::]:5060")).hasMessageStartingWith(
                "host: :: (expected: the address peers reach, not a wildcard");
        assertThat(ListenAddress.parse("udp:10.0.0.1:5060").host()).isEqualTo("10.0.0.1");
    }
}
