package org.sipmq.mqueue.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.inject.Inject;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueItemTooLargeException;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.admin.RpcException;
import org.sipmq.proxy.admin.RpcMethod;

/**
 * {@code mqueue.add ["q", "key", "value"]} → {@code {}} (<b>ours</b>, Kamailio has no such command): an outside
 * producer adds one item, with the queue's addmode and size limit applied as for {@code mq_add}. Key and value are
 * literal strings (never evaluated as formats; empty strings are legal). Errors: 400 "No queue name", 400 "Invalid
 * queue name", 404 "No such queue" (where {@code mq_add} returns -1), and -32602 "Invalid Parameters" when the key or
 * value is missing or not a string; 413 "Item too large" when the queue's table could not store it (where
 * {@code mq_add} returns -3); 503 "Queue buffer full" when a {@code backend=redis} queue's buffer of unshipped items is
 * full (where {@code mq_add} returns -4).
 */
final class MQueueAdd implements RpcMethod {
    static final String NAME = "mqueue.add";

    private final MQueues queues;

    @Inject
    MQueueAdd(MQueues queues) {
        this.queues = queues;
    }

    @Override
    public JsonNode call(JsonNode params) throws RpcException {
        String name = Params.queueName(params, 400);
        String key = Params.string(params, 1, "key");
        String value = Params.string(params, 2, "value");
        MQueue queue = queues.find(name).orElseThrow(() -> new RpcException(404, "No such queue"));
        boolean taken;
        try {
            taken = queue.offer(key, value);
        } catch (MQueueItemTooLargeException e) {
            throw new RpcException(413, "Item too large", e.getMessage()); // where mq_add returns -3
        }
        if (!taken) {
            throw new RpcException(503, "Queue buffer full"); // where mq_add returns -4
        }
        return JsonNodeFactory.instance.objectNode();
    }
}
