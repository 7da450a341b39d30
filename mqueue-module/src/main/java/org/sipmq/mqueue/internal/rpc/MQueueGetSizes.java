package org.sipmq.mqueue.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.inject.Inject;
import java.util.List;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.admin.RpcMethod;

/**
 * {@code mqueue.get_sizes} → {@code [{"name":"q","size":N}, ...]} for every queue, {@code []} when there is none. In
 * Kamailio's order, newest definition first (its list of queues is built by prepending), so that a monitoring script
 * sees the same array from both.
 */
final class MQueueGetSizes implements RpcMethod {
    static final String NAME = "mqueue.get_sizes";

    private final MQueues queues;

    @Inject
    MQueueGetSizes(MQueues queues) {
        this.queues = queues;
    }

    @Override
    public JsonNode call(JsonNode params) {
        List<MQueue> all = queues.all();
        ArrayNode sizes = JsonNodeFactory.instance.arrayNode(all.size());
        for (int i = all.size() - 1; i >= 0; i--) {
            sizes.add(MQueueGetSize.entry(all.get(i)));
        }
        return sizes;
    }
}
