package org.sipmq.proxy.internal.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.sipmq.proxy.admin.RpcException;
import org.sipmq.proxy.admin.RpcMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 2.0 over one HTTP body, with Kamailio jsonrpcs's shapes: {@code {"jsonrpc":"2.0","result":...,"id":1}} and
 * {@code {"jsonrpc":"2.0","error":{"code":404,"message":"No such queue"},"id":1}}, the HTTP status being the error code
 * when it is an HTTP error code and 500 otherwise. Beyond jsonrpcs (which answers every request and knows no batches):
 * notifications get HTTP 204 without a body, batches an array (HTTP 200), and malformed requests the JSON-RPC 2.0
 * errors. Runs each method on the calling thread: the server calls it on the RPC handler thread only.
 */
final class JsonRpcDispatcher {
    private static final Logger log = LoggerFactory.getLogger(JsonRpcDispatcher.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** An HTTP answer: a status and a JSON body, or no body (null) for 204. */
    record Reply(int status, JsonNode body) {
    }

    private final Map<String, RpcMethod> methods;
    private final ObjectMapper mapper;

    JsonRpcDispatcher(Map<String, RpcMethod> methods) {
        this.methods = Map.copyOf(methods);
        this.mapper = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    ObjectMapper mapper() {
        return mapper;
    }

    Reply handle(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            return single(error(NullNode.instance, RpcException.PARSE_ERROR, "Parse Error",
                    e.getOriginalMessage()));
        } catch (IOException e) {
            return single(error(NullNode.instance, RpcException.PARSE_ERROR, "Parse Error", e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            return single(error(NullNode.instance, RpcException.PARSE_ERROR, "Parse Error", "empty body"));
        }
        if (!root.isArray()) {
            return single(handleOne(root));
        }
        if (root.isEmpty()) {
            return single(error(NullNode.instance, RpcException.INVALID_REQUEST, "Invalid Request",
                    "empty batch"));
        }
        ArrayNode replies = JSON.arrayNode();
        for (JsonNode request : root) {
            ObjectNode reply = handleOne(request);
            if (reply != null) {
                replies.add(reply);
            }
        }
        // A batch mixes outcomes: its status cannot mirror one error code, so it is always 200 (or 204 when empty).
        return replies.isEmpty() ? new Reply(204, null) : new Reply(200, replies);
    }

    /** The response to one request, or null for a notification. */
    private ObjectNode handleOne(JsonNode request) {
        if (!request.isObject()) {
            return error(NullNode.instance, RpcException.INVALID_REQUEST, "Invalid Request",
                    "a request must be an object, got " + kind(request));
        }
        JsonNode id = request.get("id");
        boolean notification = id == null;
        if (id != null && !(id.isTextual() || id.isNumber() || id.isNull())) {
            return error(NullNode.instance, RpcException.INVALID_REQUEST, "Invalid Request",
                    "id: " + kind(id) + " (expected: a string, a number or null)");
        }
        JsonNode replyId = notification ? NullNode.instance : id;
        JsonNode version = request.get("jsonrpc");
        if (version == null || !version.isTextual() || !version.asText().equals("2.0")) {
            return error(replyId, RpcException.INVALID_REQUEST, "Invalid Request",
                    "jsonrpc: " + (version == null ? "missing" : version.toString()) + " (expected: \"2.0\")");
        }
        JsonNode method = request.get("method");
        if (method == null || !method.isTextual()) {
            return error(replyId, RpcException.INVALID_REQUEST, "Invalid Request",
                    "method: " + (method == null ? "missing" : kind(method)) + " (expected: a string)");
        }
        JsonNode params = request.get("params");
        if (params != null && !params.isArray() && !params.isObject()) {
            return error(replyId, RpcException.INVALID_REQUEST, "Invalid Request",
                    "params: " + kind(params) + " (expected: an array or an object)");
        }
        ObjectNode reply = call(method.asText(), params == null ? JSON.arrayNode() : params, replyId);
        return notification ? null : reply;
    }

    private ObjectNode call(String name, JsonNode params, JsonNode id) {
        RpcMethod method = methods.get(name);
        if (method == null) {
            return error(id, RpcException.METHOD_NOT_FOUND, "Method Not Found",
                    "no method '" + name + "' (known: " + String.join(", ", new TreeMap<>(methods).keySet()) + ")");
        }
        JsonNode result;
        try {
            result = method.call(params);
        } catch (RpcException e) {
            return error(id, e.code(), e.getMessage(), e.data());
        } catch (RuntimeException e) {
            log.error("rpc method '{}' failed", name, e);
            return error(id, RpcException.INTERNAL_ERROR, "Internal Error", e.toString());
        }
        ObjectNode reply = JSON.objectNode();
        reply.put("jsonrpc", "2.0");
        // jsonrpcs answers a method that added nothing with an empty object.
        reply.set("result", result == null ? JSON.objectNode() : result);
        reply.set("id", id);
        return reply;
    }

    private static Reply single(ObjectNode reply) {
        if (reply == null) {
            return new Reply(204, null);
        }
        JsonNode error = reply.get("error");
        return new Reply(error == null ? 200 : httpStatus(error.get("code").asInt()), reply);
    }

    /**
     * Kamailio's rule (jsonrpc_fault) sends any code above 100 as the HTTP status and 500 for the others; we keep only
     * the HTTP error codes, so that an error can never travel with a success or informational status.
     */
    static int httpStatus(int code) {
        return code >= 400 && code <= 599 ? code : 500;
    }

    private static ObjectNode error(JsonNode id, int code, String message, String data) {
        ObjectNode error = JSON.objectNode();
        error.put("code", code);
        error.put("message", message == null || message.isEmpty() ? "Unexpected Error" : message);
        if (data != null) {
            error.put("data", data);
        }
        ObjectNode reply = JSON.objectNode();
        reply.put("jsonrpc", "2.0");
        reply.set("error", error);
        reply.set("id", id);
        return reply;
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + abbreviate(node.toString());
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
