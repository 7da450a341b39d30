package org.sipmq.mqueue.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import org.sipmq.proxy.admin.RpcException;

/**
 * Reads RPC parameters as Kamailio's {@code rpc->scan(ctx, "S", ...)} does: positionally, from an array or from the
 * values of an object in order; only JSON strings are strings (no number conversion); extra parameters are ignored.
 */
final class Params {
    private Params() {
    }

    /** The parameter at {@code index}, or null when there is none. */
    static JsonNode at(JsonNode params, int index) {
        if (params == null) {
            return null;
        }
        if (params.isArray()) {
            return params.get(index);
        }
        Iterator<JsonNode> values = params.elements();
        for (int i = 0; values.hasNext(); i++) {
            JsonNode v = values.next();
            if (i == index) {
                return v;
            }
        }
        return null;
    }

    /**
     * The queue name, first parameter, with Kamailio's errors: {@code "No queue name"} when it is missing or not a
     * string, {@code "Invalid queue name"} when empty; {@code code} is 400 in {@code get_size} and 500 in
     * {@code fetch}, as in Kamailio.
     */
    static String queueName(JsonNode params, int code) throws RpcException {
        JsonNode name = at(params, 0);
        if (name == null || !name.isTextual()) {
            throw new RpcException(code, "No queue name");
        }
        if (name.asText().isEmpty()) {
            throw new RpcException(code, "Invalid queue name");
        }
        return name.asText();
    }

    /** A string parameter that has no Kamailio precedent: -32602 naming it when missing or not a string. */
    static String string(JsonNode params, int index, String what) throws RpcException {
        JsonNode v = at(params, index);
        if (v == null || !v.isTextual()) {
            throw RpcException.invalidParams(what + " (parameter " + (index + 1) + "): "
                    + (v == null ? "missing" : v.toString()) + " (expected: a string)");
        }
        return v.asText();
    }
}
