package org.sipmq.proxy.internal;

import java.util.List;
import org.sipmq.proxy.RoutingHook;

/** The application's routing hooks, in the order declared once in {@code ProxyModule.builder().hooks(...)}. */
public final class RoutingChain {
    private final List<RoutingHook> hooks;

    public RoutingChain(List<RoutingHook> hooks) {
        this.hooks = List.copyOf(hooks);
    }

    public List<RoutingHook> hooks() {
        return hooks;
    }
}
