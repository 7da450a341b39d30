package org.sipmq.proxy.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;

class AdminSettingsTest {
    private final ConfigErrors errors = new ConfigErrors();

    private AdminSettings read(String text) {
        ConfigFile file = ConfigFile.parse("sipmq.cfg", text, errors);
        return AdminSettings.read(file, errors);
    }

    @Test
    void defaultIsLoopback5080WithoutToken() {
        AdminSettings s = read("");

        assertThat(errors.messages()).isEmpty();
        assertThat(s.listen().getAddress().isLoopbackAddress()).isTrue();
        assertThat(s.listen().getPort()).isEqualTo(5080);
        assertThat(s.token()).isNull();
        assertThat(s).hasToString("127.0.0.1:5080 (no token)");
    }

    @Test
    void readsIpv4Ipv6LocalhostAndPortZero() {
        assertThat(read("admin.listen = 127.0.0.2:0").listen().getPort()).isZero();
        assertThat(read("admin.listen = [::1]:5081").toString()).isEqualTo("[0:0:0:0:0:0:0:1]:5081 (no token)");
        assertThat(read("admin.listen = localhost:5082").listen().getAddress())
                .isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(errors.messages()).isEmpty();
    }

    @Test
    void nonLoopbackAddressWithoutTokenIsAnError() {
        read("admin.listen = 0.0.0.0:5080");

        assertThat(errors.messages()).containsExactly("sipmq.cfg:1: admin.listen: '0.0.0.0:5080' is not a loopback"
                + " address, so admin.token is required (expected: admin.token = <secret>, or a 127.0.0.1 / [::1]"
                + " address)");
    }

    @Test
    void nonLoopbackAddressWithTokenIsAccepted() {
        AdminSettings s = read("admin.listen = 192.0.2.1:5080\nadmin.token = 0123456789abcdef");

        assertThat(errors.messages()).isEmpty();
        assertThat(s.token()).isEqualTo("0123456789abcdef");
        assertThat(s).hasToString("192.0.2.1:5080 (bearer token)");
    }

    @Test
    void shortOrOddTokenIsAnError() {
        read("admin.token = secret\nadmin.listen = 127.0.0.1:5080");
        read("admin.token = \"0123456789abcdef with spaces\"");

        assertThat(errors.messages()).hasSize(2);
        assertThat(errors.messages().get(0)).startsWith("sipmq.cfg:1: admin.token: token of 6 characters (expected:"
                + " at least 16 of A-Z a-z 0-9 - . _ ~ + /");
    }

    @Test
    void malformedListenIsAnErrorNamingTheValue() {
        read("admin.listen = 127.0.0.1");
        read("admin.listen = 127.0.0.1:65536");
        read("admin.listen = 127.0.0.1:80x");
        read("admin.listen = admin.example.com:5080");
        read("admin.listen = 300.0.0.1:5080");
        read("admin.listen = ::1:5080");

        assertThat(errors.messages()).hasSize(6);
        assertThat(errors.messages().get(0)).isEqualTo("sipmq.cfg:1: admin.listen: '127.0.0.1' has no port"
                + " (expected: IP:port such as 127.0.0.1:5080 or [::1]:5080; port 0 for any free port)");
        assertThat(errors.messages().get(1)).contains("port '65536' in '127.0.0.1:65536'");
        assertThat(errors.messages().get(2)).contains("port '80x'");
        assertThat(errors.messages().get(3)).contains("address 'admin.example.com' in 'admin.example.com:5080' is"
                + " not an IP literal or localhost");
        assertThat(errors.messages().get(4)).contains("address '300.0.0.1'");
        assertThat(errors.messages().get(5)).contains("address '::1'");
    }

    @Test
    void settingTwiceIsAnError() {
        read("admin.listen = 127.0.0.1:1\nadmin.listen = 127.0.0.1:2");

        assertThat(errors.messages()).containsExactly("sipmq.cfg:2: admin.listen: set again (first set at"
                + " sipmq.cfg:1; expected: once)");
    }
}
