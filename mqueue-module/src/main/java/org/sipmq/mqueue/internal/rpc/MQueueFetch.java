package org.sipmq.mqueue.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Inject;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.admin.RpcException;
import org.sipmq.proxy.admin.RpcMethod;
import org.sipmq.proxy.pv.Vars;

/**
 * {@code mqueue.fetch ["q"]} → {@code {"key":"k","val":"v"}}: takes the oldest item into the RPC handler's own slot,
 * as Kamailio's RPC process does, with Kamailio's errors: 500 "No queue name", 500 "Invalid queue name", 500 "No such
 * queue", 404 "Empty queue". <b>Ours:</b> an empty key or value is answered as {@code ""} (Kamailio answers 500 and
 * loses the item).
 *
 * <p>
 * The fetch goes through the Kamailio-named functions ({@code mq_fetch}, then {@code mqk_get} / {@code mqv_get}) on
 * the RPC handler thread, so the item lands in that context's slot and stays there until its next fetch of the queue,
 * exactly as in Kamailio (an empty fetch clears it). Those functions take format strings, but a name sent over RPC must
 * never be evaluated: the name is first resolved literally ({@link MQueues#find}), and a name holding {@code $} is
 * passed through {@code $var(...)} of the handler thread, which renders it back verbatim. Polling the {@code MQueue}
 * instead would bypass the slot, and {@code $mqk(q)} read on the handler would then disagree with what was answered.
 */
final class MQueueFetch implements RpcMethod {
    static final String NAME = "mqueue.fetch";
    /** The handler thread's {@code $var} that carries a literal queue name through the format-string API. */
    static final String NAME_VAR = "sipmq_rpc_queue";

    private final MQueues queues;

    @Inject
    MQueueFetch(MQueues queues) {
        this.queues = queues;
    }

    @Override
    public JsonNode call(JsonNode params) throws RpcException {
        String name = Params.queueName(params, 500);
        if (queues.find(name).isEmpty()) {
            throw new RpcException(500, "No such queue");
        }
        boolean literal = name.indexOf('$') < 0;
        String format = literal ? name : "$var(" + NAME_VAR + ")";
        if (!literal) {
            Vars.set(NAME_VAR, name);
        }
        try {
            int ret = queues.mq_fetch(format);
            if (ret == -2) {
                throw new RpcException(404, "Empty queue");
            } else if (ret < 0) {
                throw new RpcException(500, "Unexpected error (fetch)");
            }
            String key = queues.mqk_get(format);
            String val = queues.mqv_get(format);
            if (key == null || val == null) {
                throw new RpcException(500, "Unexpected error (result)");
            }
            ObjectNode item = JsonNodeFactory.instance.objectNode();
            item.put("key", key);
            item.put("val", val);
            return item;
        } finally {
            if (!literal) {
                Vars.set(NAME_VAR, null);
            }
        }
    }
}
