package org.sipmq.mqueue.internal.rpc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.multibindings.MapBinder;
import java.util.concurrent.atomic.AtomicLong;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.admin.AdminEndpoint;
import org.sipmq.proxy.admin.AdminModule;
import org.sipmq.proxy.admin.RpcMethod;
import org.sipmq.proxy.admin.RpcMethods;
import org.sipmq.proxy.pv.Vars;
import org.sipmq.proxy.testing.AdminClient.Response;
import org.sipmq.proxy.testing.AdminClient;

/**
 * A running application with the admin endpoint on 127.0.0.1 (any free port), the queues below, and a probe method
 * {@code test.slot ["q"]} that reads {@code mqk_get}/{@code mqv_get} and the RPC handler's {@code $var} on the handler
 * thread.
 */
final class RpcApp implements AutoCloseable {
    /** Queues of the tests, in definition order. */
    static final String QUEUES = """
            modparam("mqueue", "mqueue", "name=acc;size=3")
            modparam("mqueue", "mqueue", "name=cdr")
            modparam("mqueue", "mqueue", "name=uniq;addmode=1")
            modparam("mqueue", "mqueue", "name=latest;addmode=2")
            modparam("mqueue", "mqueue", "name=a$b")
            """;

    private final Sipmq app;
    /** The queues' clock, in nanoseconds, moved by hand by the tests (oldest-item age). */
    private final AtomicLong nanos = new AtomicLong();
    private final MQueueModule queuesModule = new MQueueModule().nanoClock(nanos::get);
    final AdminClient client;

    private RpcApp(String queueConfig) {
        app = Sipmq.configure("test.cfg", "admin.listen = 127.0.0.1:0\n" + queueConfig, new AdminModule(),
                queuesModule, new Probe());
        app.start();
        client = new AdminClient(app.injector().getInstance(AdminEndpoint.class).address(), null);
    }

    static RpcApp start() {
        return new RpcApp(QUEUES);
    }

    static RpcApp withoutQueues() {
        return new RpcApp("");
    }

    MQueues queues() {
        return app.injector().getInstance(MQueues.class);
    }

    /** Moves the queues' clock on. */
    void advanceNanos(long nanos) {
        this.nanos.addAndGet(nanos);
    }

    Response call(String method, Object... params) {
        return client.call(method, params);
    }

    @Override
    public void close() {
        app.stop();
    }

    private static final class Probe extends AbstractModule {
        @Override
        protected void configure() {
            Provider<MQueues> queues = getProvider(MQueues.class);
            MapBinder<String, RpcMethod> methods = RpcMethods.methods(binder());
            methods.addBinding("test.slot").toInstance(params -> {
                String q = params.get(0).asText();
                ObjectNode slot = JsonNodeFactory.instance.objectNode();
                slot.put("key", queues.get().mqk_get(q));
                slot.put("val", queues.get().mqv_get(q));
                slot.put("var", Vars.get(MQueueFetch.NAME_VAR));
                return slot;
            });
        }
    }
}
