package org.sipmq.mqueue.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Kamailio or sipmq, seen through their JSON-RPC only, as a monitoring script sees them. */
interface RpcPeer {
    /** Posts one JSON-RPC request to the peer's {@code /RPC}. */
    RpcExchange rpc(String json);

    /** {@code mqueue.get_sizes}'s result. */
    default JsonNode getSizes() {
        return rpc("{\"jsonrpc\":\"2.0\",\"method\":\"mqueue.get_sizes\",\"id\":1}").result();
    }

    /**
     * Takes every item of {@code queue} with {@code mqueue.fetch} until {@code 404 Empty queue}, as an export script
     * does, as a JSON array; each item as {@code {"key":..,"val":..}}, or the error object when a fetch failed otherwise (Kamailio's
     * 500 for an empty key or value), so that two peers' answers can be compared whole.
     */
    default ArrayNode fetchAll(String queue) {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.put("jsonrpc", "2.0");
        request.put("method", "mqueue.fetch");
        request.putArray("params").add(queue);
        request.put("id", 1);
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < 100_000; i++) {
            JsonNode answer = rpc(request.toString()).json();
            JsonNode error = answer.get("error");
            if (error != null && error.path("code").asInt() == 404) {
                return items;
            }
            items.add(error != null ? error : answer.get("result"));
        }
        throw new AssertionError("mqueue.fetch of '" + queue + "' never answered 404 Empty queue");
    }
}
