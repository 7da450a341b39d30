package org.sipmq.sample;

import javax.sip.header.ToHeader;
import javax.sip.message.Request;

/** What the sample's hooks need to know about a request beyond what the hook contexts say. */
final class SipRequests {
    private SipRequests() {
    }

    /**
     * True for a request inside a dialog: its To header has a tag (a re-INVITE, say). The same test as
     * {@code RequestContext.inDialog()}, for the reply and failure hooks, whose contexts hold the request too.
     */
    static boolean inDialog(Request request) {
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        return to != null && to.getTag() != null;
    }

    /** True for an INVITE that starts a call (not a re-INVITE). */
    static boolean isInitialInvite(Request request) {
        return request.getMethod().equals(Request.INVITE) && !inDialog(request);
    }
}
