package org.sipmq.proxy;

import javax.sip.message.Request;
import javax.sip.message.Response;

/** A response received on a branch, before it goes upstream. */
public interface ReplyContext extends MessageContext {
    Response response();

    /** The request of the branch the response answers. */
    Request request();

    /** Does not forward this response upstream (a provisional one, say); a final response still ends its branch. */
    void drop();
}
