package org.sipmq.proxy;

import java.util.List;
import javax.sip.message.Request;

/**
 * A request being routed: read it, then decide its fate with one of the actions. A request inside a dialog
 * ({@link #inDialog()}) follows its Route headers by default.
 */
public interface RequestContext extends MessageContext {
    /** The request (Max-Forwards already decremented and our own Route headers removed). */
    @Override
    Request request();

    /**
     * Forwards the request statefully to these SIP URIs, in parallel when there are several (one branch each, the
     * Request-URI rewritten to the target). Ends the hook chain.
     */
    void forward(List<String> uris);

    /** {@link #forward(List)} to one or more URIs. */
    default void forward(String... uris) {
        forward(List.of(uris));
    }

    /** Answers the request with this status code and reason phrase instead of forwarding it. Ends the hook chain. */
    void reply(int code, String reason);

    /**
     * Drops the request: no answer is sent and its transaction is released, as Kamailio's {@code drop}. The caller of
     * an INVITE has had its 100 Trying and waits until it gives up (its CANCEL gets 481); the caller of another request
     * retransmits (over UDP; each retransmission runs the hooks again) until its own transaction times out. To refuse
     * a call, {@link #reply} instead. Ends the hook chain.
     */
    void drop();

    /** True once a hook forwarded, replied or dropped. */
    boolean decided();
}
