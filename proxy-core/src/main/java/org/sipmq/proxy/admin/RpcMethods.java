package org.sipmq.proxy.admin;

import com.google.inject.Binder;
import com.google.inject.binder.LinkedBindingBuilder;
import com.google.inject.multibindings.MapBinder;

/**
 * Binds {@link RpcMethod}s by the name a JSON-RPC request calls them with, from any module:
 *
 * <pre>
 * protected void configure() {
 *     RpcMethods.bind(binder(), "mqueue.fetch").to(MQueueFetch.class);
 * }
 * </pre>
 *
 * <p>
 * Two methods with one name are a binding error. The methods are served when the application installs
 * {@link AdminModule}; without it they are bound and never called.
 */
public final class RpcMethods {
    private RpcMethods() {
    }

    /** Starts the binding of the method called {@code name}. */
    public static LinkedBindingBuilder<RpcMethod> bind(Binder binder, String name) {
        return methods(binder).addBinding(name);
    }

    /** The map of every RPC method by name; declaring it (even empty) is what {@link AdminModule} does. */
    public static MapBinder<String, RpcMethod> methods(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, RpcMethod.class);
    }
}
