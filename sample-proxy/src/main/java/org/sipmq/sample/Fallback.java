package org.sipmq.sample;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.sipmq.proxy.FailureContext;
import org.sipmq.proxy.RoutingHook;

/**
 * Kamailio's classic failure_route: when a new call fails with 4xx/5xx or times out (408), try the configured fallback
 * target, once. Not redirected: a cancelled call (487), a redirection (3xx: the caller follows it, or not), a global
 * failure (6xx: the callee said no everywhere), and a request inside a dialog (a re-INVITE answered 491 or 488 belongs
 * to the call in progress, which must not be sent to another callee).
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
        if (settings.fallback().isEmpty() || ctx.round() > 1 || ctx.cancelled()
                || !Accounting.isInitialInvite(ctx) || !triesFallback(ctx.response().getStatusCode())) {
            return;
        }
        ctx.forward(settings.fallback().get());
    }

    /** 4xx and 5xx, a timeout's 408 included, but not the 487 of a cancelled call. */
    static boolean triesFallback(int code) {
        return code >= 400 && code < 600 && code != 487;
    }
}
