package org.sipmq.proxy.testing;

import org.sipmq.proxy.ProxyModule;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.SipProxy;
import org.sipmq.proxy.Sipmq;

/**
 * A proxy on a free port of 127.0.0.1 (UDP and TCP), built the way an application builds it: configuration text
 * through {@link Sipmq}, hooks in the order given. Short timers (T1 = 50 ms) keep timeout tests short.
 */
public final class TestProxy implements AutoCloseable {
    private final Sipmq app;
    private final int port;

    private TestProxy(String extraConfig, com.google.inject.Module[] modules) {
        this.port = FreePorts.udpAndTcp();
        String config = "listen = udp:127.0.0.1:" + port + "\n" //
                + "listen = tcp:127.0.0.1:" + port + "\n" //
                + "sip.t1 = 50\n" //
                + "sip.t4 = 100\n" //
                + extraConfig;
        this.app = Sipmq.configure("test-proxy.cfg", config, modules);
        app.start();
    }

    /** Starts a proxy with these hooks, in this order, and these extra configuration lines. */
    public static TestProxy start(String extraConfig, RoutingHook... hooks) {
        return new TestProxy(extraConfig, new com.google.inject.Module[]{ProxyModule.builder().hooks(hooks)
                .build()});
    }

    /** Starts a proxy with these modules (one of them a ProxyModule) and extra configuration lines. */
    public static TestProxy startWith(String extraConfig, com.google.inject.Module... modules) {
        return new TestProxy(extraConfig, modules);
    }

    public int port() {
        return port;
    }

    public Sipmq app() {
        return app;
    }

    public SipProxy proxy() {
        return app.injector().getInstance(SipProxy.class);
    }

    @Override
    public void close() {
        app.stop();
    }
}
