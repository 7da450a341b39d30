package org.sipmq.sample;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import javax.sip.message.Request;
import org.sipmq.proxy.FailureContext;
import org.sipmq.proxy.RoutingHook;

/**
 * Kamailio's classic failure_route: when a new call fails with 4xx/5xx or times out (408), try the configured fallback
 * target, once. A cancelled call (487) is not redirected.
 */
@Singleton
final class Fallback implements RoutingHook {
    private final SampleSettings settings;

    @Inject
    Fallback(SampleSettings settings) {
        this.settings = settings;
    }

    @Override
    public void onFailure(FailureContext ctx) {
        int code = ctx.response().getStatusCode();
        if (settings.fallback().isEmpty() || !ctx.request().getMethod().equals(Request.INVITE) || code == 487
                || code >= 600 || ctx.round() > 1) {
            return;
        }
        ctx.forward(settings.fallback().get());
    }
}
