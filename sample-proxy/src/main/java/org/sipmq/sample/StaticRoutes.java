package org.sipmq.sample;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.RoutingHook;

/**
 * Routes a new request by the user part of its Request-URI through the static table ({@code modparam("sample",
 * "route", "alice=sip:127.0.0.1:5090")}); a user not in the table, and every in-dialog request, goes where its
 * Request-URI and Route headers say (the proxy's default).
 */
@Singleton
final class StaticRoutes implements RoutingHook {
    private final SampleSettings settings;

    @Inject
    StaticRoutes(SampleSettings settings) {
        this.settings = settings;
    }

    @Override
    public void onRequest(RequestContext ctx) {
        if (ctx.inDialog() || settings.routes().isEmpty()) {
            return;
        }
        String user = ctx.pv("$rU");
        String target = user == null ? null : settings.routes().get(user);
        if (target != null) {
            ctx.forward(target);
        }
    }
}
