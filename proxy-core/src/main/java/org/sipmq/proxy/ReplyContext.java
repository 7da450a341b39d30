package org.sipmq.proxy;

import javax.sip.message.Request;
import javax.sip.message.Response;

/** A response received on a branch, before it goes upstream. */
public interface ReplyContext extends MessageContext {
    Response response();

    /** The request of the branch the response answers. */
    @Override
    Request request();

    /**
     * Does not forward this provisional response (101..199) upstream.
     *
     * @throws IllegalStateException on a final response: a 2xx must go upstream (RFC 3261 16.7), and what goes
     *         upstream after a failure is decided by the failure hooks
     */
    void drop();
}
