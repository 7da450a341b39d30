package org.sipmq.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.config.ConfigException;
import org.sipmq.proxy.internal.RoutingChain;
import org.sipmq.proxy.pv.PvEngine;

class ProxyModuleTest {
    static final class First implements RoutingHook {
    }

    static final class Second implements RoutingHook {
    }

    @Test
    void bindsTheProxyAsATransportServiceWithHooksInDeclaredOrder() {
        RoutingHook third = new RoutingHook() {
        };
        Sipmq app = Sipmq.configure("t.cfg", "listen = udp:127.0.0.1:5060\n", ProxyModule.builder().hooks(
                Second.class, First.class).hooks(third).build());
        Set<Service> services = app.injector().getInstance(Key.get(new TypeLiteral<Set<Service>>() {
        }));
        assertThat(services).extracting(Service::name, Service::phase).containsExactly(org.assertj.core.groups.Tuple
                .tuple("sip-proxy", Service.Phase.TRANSPORT));
        assertThat(app.injector().getInstance(RoutingChain.class).hooks()).extracting(h -> (Object) h.getClass())
                .containsExactly(Second.class, First.class, third.getClass());
        assertThat(app.injector().getInstance(SipProxy.class)).isSameAs(services.iterator().next());
    }

    @Test
    void registersTheSipPseudoVariables() {
        Sipmq app = Sipmq.configure("t.cfg", "listen = udp:127.0.0.1:5060\n", new ProxyModule());
        PvEngine pvs = app.injector().getInstance(PvEngine.class);
        for (String name : new String[]{"ci", "rm", "ru", "rU", "rd", "fu", "fU", "ft", "tu", "tU", "tt", "si", "sp",
                "pr", "hdr", "rs", "rr"}) {
            assertThat(pvs.has(name)).as("$" + name).isTrue();
        }
        assertThat(pvs.format("$rm $fu $tu")).as("outside a hook").isEqualTo("<null> <null> <null>");
    }

    @Test
    void configurationErrorsAreReportedTogetherWithTheOtherModules() {
        assertThatThrownBy(() -> Sipmq.configure("t.cfg", "listen = udp:1.2.3:5060\nsip.workers = -1\nbogus = 1\n",
                new ProxyModule())).isInstanceOf(ConfigException.class).hasMessageContaining(
                        "t.cfg:1: listen: host: 1.2.3")
                .hasMessageContaining(
                        "t.cfg:2: sip.workers: '-1' (expected: an integer 1..256)")
                .hasMessageContaining(
                        "t.cfg:3: bogus: unknown parameter");
    }
}
