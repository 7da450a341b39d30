package org.sipmq.mqueue.interop;

import jakarta.inject.Inject;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.RoutingHook;

/**
 * The sipmq twin of {@link KamailioProcess#ROUTE}: a MESSAGE calls {@code mq_add} with the same format strings, the
 * queue, key and value of its {@code X-Q}, {@code X-K}, {@code X-V} headers, and is answered 200 whatever it returns
 * (as the Kamailio route ignores it); anything else gets 404.
 */
final class MqAddFromHeaders implements RoutingHook {
    private final MQueues mq;

    @Inject
    MqAddFromHeaders(MQueues mq) {
        this.mq = mq;
    }

    @Override
    public void onRequest(RequestContext r) {
        if (r.request().getMethod().equals("MESSAGE")) {
            mq.mq_add("$hdr(X-Q)", "$hdr(X-K)", "$hdr(X-V)");
            r.reply(200, "OK");
        } else {
            r.reply(404, "Not Here");
        }
    }
}
