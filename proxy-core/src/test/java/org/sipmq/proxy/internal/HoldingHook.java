package org.sipmq.proxy.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sip.message.Request;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.RoutingHook;

/**
 * A routing hook that blocks the thread running it on the first INVITE whose Request-URI holds a given text, until
 * the test releases it (or 20 s pass): a slow or stuck hook, the test's own misbehaviour. Every other request passes.
 */
final class HoldingHook implements RoutingHook {
    private final String uriPart;
    private final AtomicBoolean first = new AtomicBoolean(true);
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    private HoldingHook(String uriPart) {
        this.uriPart = uriPart;
    }

    /** Holds the first INVITE of all. */
    static HoldingHook firstInvite() {
        return new HoldingHook("");
    }

    /** Holds the first INVITE whose Request-URI contains {@code uriPart}, such as {@code "stuck@"}. */
    static HoldingHook firstInviteTo(String uriPart) {
        return new HoldingHook(uriPart);
    }

    @Override
    public void onRequest(RequestContext r) {
        if (r.request().getMethod().equals(Request.INVITE) && r.request().getRequestURI().toString().contains(
                uriPart) && first.getAndSet(false)) {
            held.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True once the held INVITE has reached the hook (waits up to 10 s). */
    boolean awaitHeld() throws InterruptedException {
        return held.await(10, TimeUnit.SECONDS);
    }

    /** Lets the held INVITE go on; idempotent. */
    void release() {
        release.countDown();
    }
}
