package org.sipmq.mqueue.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Inject;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.admin.RpcException;
import org.sipmq.proxy.admin.RpcMethod;

/**
 * {@code mqueue.get_size ["q"]} → {@code {"name":"q","size":N}}; 400 "No queue name", 400 "Invalid queue name", 404
 * "No such queue", as Kamailio. The name is taken literally (never evaluated as a format).
 */
final class MQueueGetSize implements RpcMethod {
    static final String NAME = "mqueue.get_size";

    private final MQueues queues;

    @Inject
    MQueueGetSize(MQueues queues) {
        this.queues = queues;
    }

    @Override
    public JsonNode call(JsonNode params) throws RpcException {
        String name = Params.queueName(params, 400);
        MQueue queue = queues.find(name).orElseThrow(() -> new RpcException(404, "No such queue"));
        return entry(queue);
    }

    static ObjectNode entry(MQueue queue) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("name", queue.name());
        entry.put("size", queue.size());
        return entry;
    }
}
