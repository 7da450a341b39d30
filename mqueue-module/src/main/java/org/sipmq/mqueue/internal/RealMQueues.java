package org.sipmq.mqueue.internal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueItemTooLargeException;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.pv.Format;
import org.sipmq.proxy.pv.PvEngine;

/**
 * Kamailio's mqueue functions over a {@link QueueTable}. Every string parameter is a format evaluated for the calling
 * thread when the function runs; a parameter without {@code $} is used as it is without touching the engine.
 */
final class RealMQueues implements MQueues {
    private final QueueTable table;
    private final PvEngine pv;

    RealMQueues(QueueTable table, PvEngine pv) {
        this.table = Objects.requireNonNull(table, "table");
        this.pv = Objects.requireNonNull(pv, "pv");
    }

    private String eval(String format) {
        return format.indexOf('$') < 0 ? format : pv.format(format);
    }

    @Override
    public int mq_add(String queue, String key, String value) {
        EngineQueue q = table.find(eval(queue));
        if (q == null) {
            return -1;
        }
        return q.mqAdd(eval(key), eval(value));
    }

    @Override
    public int mq_fetch(String queue) {
        return table.fetch(eval(queue));
    }

    @Override
    public int mq_pv_free(String queue) {
        table.free(eval(queue));
        return 1;
    }

    @Override
    public int mq_size(String queue) {
        EngineQueue q = table.find(eval(queue));
        return q == null ? -1 : q.size();
    }

    @Override
    public String mqk_get(String queue) {
        Node n = held(queue);
        return n == null ? null : n.key;
    }

    @Override
    public String mqv_get(String queue) {
        Node n = held(queue);
        return n == null ? null : n.value;
    }

    @Override
    public String mqk_gete(String queue) {
        return orElse(mqk_get(queue), "");
    }

    @Override
    public String mqv_gete(String queue) {
        return orElse(mqv_get(queue), "");
    }

    @Override
    public String mqk_getw(String queue) {
        return orElse(mqk_get(queue), Format.NULL);
    }

    @Override
    public String mqv_getw(String queue) {
        return orElse(mqv_get(queue), Format.NULL);
    }

    private Node held(String queue) {
        EngineQueue q = table.find(eval(queue));
        return q == null ? null : table.held(q);
    }

    private static String orElse(String value, String fallback) {
        return value == null ? fallback : value;
    }

    @Override
    public MQueue queue(String name) {
        return table.require(name);
    }

    @Override
    public Optional<MQueue> find(String name) {
        return Optional.ofNullable(table.find(name));
    }

    @Override
    public List<MQueue> all() {
        return table.all();
    }
}
