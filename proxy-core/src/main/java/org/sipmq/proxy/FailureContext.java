package org.sipmq.proxy;

import java.util.List;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Every branch of a request ended without a 2xx. The message is the original request (as received, after the
 * proxy's own changes), so {@code $ru} is its Request-URI; {@code $rs} and {@code $rr} give the best final response,
 * which is sent upstream unless a hook forwards elsewhere or replies.
 */
public interface FailureContext extends MessageContext {
    Request request();

    /** The best final response of the branches: a synthesized 408 when a branch timed out. */
    Response response();

    /** Tries new targets (new branches), like Kamailio's {@code t_relay()} in a failure_route. Ends the hook chain. */
    void forward(List<String> uris);

    default void forward(String... uris) {
        forward(List.of(uris));
    }

    /** Answers upstream with this code and reason instead of the best response. Ends the hook chain. */
    void reply(int code, String reason);

    boolean decided();
}
