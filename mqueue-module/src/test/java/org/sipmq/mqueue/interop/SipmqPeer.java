package org.sipmq.mqueue.interop;

import org.sipmq.mqueue.MQueueModule;
import org.sipmq.proxy.ProxyModule;
import org.sipmq.proxy.admin.AdminEndpoint;
import org.sipmq.proxy.admin.AdminModule;
import org.sipmq.proxy.testing.TestProxy;

/**
 * sipmq in this JVM, the way {@link KamailioProcess} runs Kamailio: the same {@code modparam("mqueue", ...)} lines,
 * the same route ({@link MqAddFromHeaders}) on its own SIP port, JSON-RPC on its own admin port.
 */
final class SipmqPeer implements RpcPeer, AutoCloseable {
    private final TestProxy proxy;
    private final int rpcPort;
    private boolean stopped;

    private SipmqPeer(TestProxy proxy) {
        this.proxy = proxy;
        this.rpcPort = proxy.app().injector().getInstance(AdminEndpoint.class).address().getPort();
    }

    /** Starts sipmq with these {@code modparam("mqueue", ...)} lines, as they are written for Kamailio. */
    static SipmqPeer start(String mqueueModparams) {
        return new SipmqPeer(TestProxy.startWith("admin.listen = 127.0.0.1:0\n" + mqueueModparams + "\n",
                ProxyModule.builder().hooks(MqAddFromHeaders.class).build(), new MQueueModule(), new AdminModule()));
    }

    int sipPort() {
        return proxy.port();
    }

    int rpcPort() {
        return rpcPort;
    }

    @Override
    public RpcExchange rpc(String json) {
        return RpcExchange.post(rpcPort, json);
    }

    /** A graceful stop: SIP, then the queues are saved (dbmode 1 and 3), then the database pool closes. */
    void stop() {
        if (!stopped) {
            stopped = true;
            proxy.close();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
