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
    @Override
    Request request();

    /**
     * How many times the failure hooks have run for this request, counting this one: 1 the first time; 2 after a hook
     * forwarded to new targets and those failed too. A hook that tries a fallback once checks {@code round() == 1}.
     */
    int round();

    /**
     * True when the caller cancelled the request: the hooks still run (for accounting, as Kamailio's failure_route
     * with {@code t_is_canceled()}), but the caller gets its 487 whatever they do; forward and reply are ignored.
     */
    boolean cancelled();

    /** The best final response of the branches: a synthesized 408 when a branch timed out, a 487 when cancelled. */
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
