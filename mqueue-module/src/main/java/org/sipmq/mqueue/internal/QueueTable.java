package org.sipmq.mqueue.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueDefinition;

/**
 * The fixed set of queues and every thread's private slots (spec §3): each thread holds one fetched item per queue,
 * in an array indexed by the queue's position, so that a slot access is one thread-local lookup. The slots belong to
 * this table, not to the JVM, so two tables (two applications, two tests) never share them.
 */
final class QueueTable {
    private final List<MQueue> queues;
    private final Map<String, EngineQueue> byName;
    private final ThreadLocal<Node[]> slots;

    QueueTable(List<MQueueDefinition> definitions, LongSupplier nanoClock) {
        this(definitions, nanoClock, null);
    }

    /**
     * @param shared builds the {@code backend=redis} queues; null when there are none
     */
    QueueTable(List<MQueueDefinition> definitions, LongSupplier nanoClock, SharedQueueFactory shared) {
        List<MQueue> list = new ArrayList<>(definitions.size());
        Map<String, EngineQueue> map = new HashMap<>();
        for (MQueueDefinition d : definitions) {
            EngineQueue q;
            if (d.backend() == MQueueDefinition.Backend.LOCAL) {
                q = new RealMQueue(d, list.size(), nanoClock);
            } else if (shared != null) {
                q = shared.create(d, list.size());
            } else {
                throw new IllegalArgumentException("mqueue '" + d.name() + "' has backend=" + d.backend().value()
                        + ", which needs the application's lifecycle (expected: install MQueueModule, or"
                        + " backend=local for queues built with MQueueModule.queues)");
            }
            if (map.putIfAbsent(d.name(), q) != null) {
                throw new IllegalArgumentException("mqueue '" + d.name() + "' defined twice");
            }
            list.add(q);
        }
        this.queues = List.copyOf(list);
        this.byName = Map.copyOf(map);
        int n = list.size();
        this.slots = ThreadLocal.withInitial(() -> new Node[n]);
    }

    /** The queue named exactly {@code name}, or null. */
    EngineQueue find(String name) {
        return byName.get(name);
    }

    /** The queue named exactly {@code name}; throws {@code mqueue 'acx' not found (defined: acc, cdr)}. */
    EngineQueue require(String name) {
        EngineQueue q = byName.get(name);
        if (q == null) {
            throw new IllegalArgumentException(notFound(name));
        }
        return q;
    }

    String notFound(String name) {
        StringBuilder defined = new StringBuilder();
        for (MQueue q : queues) {
            defined.append(defined.length() == 0 ? "" : ", ").append(q.name());
        }
        return "mqueue '" + name + "' not found (defined: " + (queues.isEmpty() ? "none" : defined) + ")";
    }

    List<MQueue> all() {
        return queues;
    }

    /** Kamailio's {@code mq_fetch}: 1 taken into this thread's slot, -2 empty (slot cleared), -1 unknown. */
    int fetch(String name) {
        EngineQueue q = byName.get(name);
        if (q == null) {
            return -1;
        }
        Node[] mine = slots.get();
        mine[q.index()] = null;
        Node n = q.take();
        if (n == null) {
            return -2;
        }
        mine[q.index()] = n;
        return 1;
    }

    /** Drops this thread's held item for the queue, if any. */
    void free(String name) {
        EngineQueue q = byName.get(name);
        if (q != null) {
            slots.get()[q.index()] = null;
        }
    }

    /** The item this thread holds for {@code q}, or null. */
    Node held(EngineQueue q) {
        return slots.get()[q.index()];
    }
}
