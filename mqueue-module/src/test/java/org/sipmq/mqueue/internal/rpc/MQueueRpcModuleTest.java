package org.sipmq.mqueue.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.proxy.Lifecycle;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.admin.AdminModule;
import org.sipmq.proxy.admin.RpcMethod;

class MQueueRpcModuleTest {
    @Test
    void bindsTheFourMethodsAndTheMetricsOnceEvenWhenInstalledTwice() {
        // MQueueModule installs it already; an application may install it again.
        Sipmq app = Sipmq.configure("test.cfg", RpcApp.QUEUES, new AdminModule(), new MQueueModule(),
                new MQueueRpcModule());

        Map<String, RpcMethod> methods = app.injector().getInstance(Key.get(new TypeLiteral<Map<String, RpcMethod>>() {
        }));
        assertThat(methods.keySet()).containsExactlyInAnyOrder("core.version", "core.uptime", "mqueue.get_size",
                "mqueue.get_sizes", "mqueue.fetch", "mqueue.add");
        assertThat(app.injector().getInstance(Lifecycle.class).services()).extracting(Service::name)
                .containsExactly("admin", "mqueue-metrics");
    }
}
