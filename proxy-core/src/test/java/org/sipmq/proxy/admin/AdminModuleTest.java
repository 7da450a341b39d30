package org.sipmq.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import com.google.inject.AbstractModule;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.Lifecycle;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.config.ConfigException;

class AdminModuleTest {
    @Test
    void nonLoopbackListenWithoutTokenStopsStartUp() {
        assertThatThrownBy(() -> Sipmq.configure("sipmq.cfg", "admin.listen = 0.0.0.0:5080\n", new AdminModule()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).errors()).containsExactly("sipmq.cfg:1:"
                        + " admin.listen: '0.0.0.0:5080' is not a loopback address, so admin.token is required"
                        + " (expected: admin.token = <secret>, or a 127.0.0.1 / [::1] address)"));
    }

    @Test
    void nonLoopbackListenWithTokenBuilds() {
        Sipmq app = Sipmq.configure("sipmq.cfg", "admin.listen = 0.0.0.0:5080\nadmin.token = 0123456789abcdef\n",
                new AdminModule());

        assertThat(app.injector().getInstance(Lifecycle.class).services()).extracting(Service::name)
                .containsExactly("admin");
    }

    @Test
    void adminSettingsAreUnknownWithoutTheModule() {
        assertThatThrownBy(() -> Sipmq.configure("sipmq.cfg", "admin.listen = 127.0.0.1:5080\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sipmq.cfg:1: admin.listen: unknown parameter");
    }

    @Test
    void twoMethodsWithOneNameAreABindingError() {
        AbstractModule again = new AbstractModule() {
            @Override
            protected void configure() {
                RpcMethods.methods(binder()).addBinding("core.version")
                        .toInstance(params -> TextNode.valueOf("x"));
            }
        };

        assertThatThrownBy(() -> Sipmq.configure("sipmq.cfg", "", new AdminModule(), again))
                .hasMessageContaining("core.version");
    }
}
