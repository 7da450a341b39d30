package org.sipmq.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One JSON-RPC method of the admin endpoint ({@code POST /RPC}), such as {@code mqueue.get_size}. Modules contribute
 * methods by name through {@link RpcMethods}; the names follow Kamailio's
 * ({@code module.command}) so that a {@code kamcmd} call maps to one request.
 *
 * <p>
 * Every method runs on the single RPC handler thread ({@code sipmq-rpc}): one execution context with its own
 * thread-local state (for example its own mqueue slot per queue), as Kamailio's RPC process has. A method must not
 * block for long: requests wait for each other.
 */
@FunctionalInterface
public interface RpcMethod {
    /**
     * Runs the method.
     *
     * @param params the request's {@code params}: an array (positional), an object (named), or an empty array when the
     *        request had none
     * @return the {@code result} member of the response (an object, an array or a value; never null)
     * @throws RpcException to answer with a JSON-RPC error; its code becomes the HTTP status when it is one (Kamailio's
     *         rule: codes above 100 are also the HTTP status, others answer HTTP 500)
     */
    JsonNode call(JsonNode params) throws RpcException;
}
