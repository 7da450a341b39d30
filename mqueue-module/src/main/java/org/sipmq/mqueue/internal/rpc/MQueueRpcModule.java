package org.sipmq.mqueue.internal.rpc;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.admin.RpcMethod;
import org.sipmq.proxy.admin.RpcMethods;

/**
 * The mqueue module's management: the RPC methods {@code mqueue.get_size}, {@code mqueue.get_sizes},
 * {@code mqueue.fetch}, {@code mqueue.add}, and the queue metrics. Needs a bound {@code MQueues}; installed by
 * {@code MQueueModule}. The methods are served when the application also installs {@code AdminModule}; the metrics
 * are registered either way. All instances are equal, so installing it twice binds it once.
 */
public final class MQueueRpcModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, RpcMethod> methods = RpcMethods.methods(binder());
        methods.addBinding(MQueueGetSize.NAME).to(MQueueGetSize.class);
        methods.addBinding(MQueueGetSizes.NAME).to(MQueueGetSizes.class);
        methods.addBinding(MQueueFetch.NAME).to(MQueueFetch.class);
        methods.addBinding(MQueueAdd.NAME).to(MQueueAdd.class);
        Multibinder.newSetBinder(binder(), Service.class).addBinding().to(MQueueMetrics.class);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MQueueRpcModule;
    }

    @Override
    public int hashCode() {
        return MQueueRpcModule.class.hashCode();
    }
}
