package org.sipmq.mqueue.internal.rpc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueueStats;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.PvEngine;

/**
 * A hand-written stand-in for the real queues (spec §2-§3 basics, O(n) and simple): size limit dropping the oldest,
 * addmodes 0/1/2, one slot per thread and queue, format-string parameters for the Kamailio-named functions. The only
 * place the RPC tests depend on a queue implementation: {@link FakeMQueueModule} binds it, and swapping that module for
 * the real {@code MQueueModule} runs the same tests against the real queues.
 */
final class FakeMQueues implements MQueues {
    private final PvEngine pv;
    private final Map<String, FakeQueue> queues = new LinkedHashMap<>();
    private final ThreadLocal<Map<String, MQueueItem>> slots = ThreadLocal.withInitial(HashMap::new);

    FakeMQueues(PvEngine pv, List<MQueueDefinition> definitions, LongSupplier nanos) {
        this.pv = pv;
        for (MQueueDefinition d : definitions) {
            queues.put(d.name(), new FakeQueue(d, nanos));
        }
    }

    @Override
    public int mq_add(String queue, String key, String value) {
        FakeQueue q = queues.get(pv.format(queue));
        if (q == null) {
            return -1;
        }
        q.add(pv.format(key), pv.format(value));
        return 1;
    }

    @Override
    public int mq_fetch(String queue) {
        String name = pv.format(queue);
        FakeQueue q = queues.get(name);
        if (q == null) {
            return -1;
        }
        Optional<MQueueItem> item = q.poll();
        if (item.isEmpty()) {
            slots.get().remove(name);
            return -2;
        }
        slots.get().put(name, item.get());
        return 1;
    }

    @Override
    public int mq_pv_free(String queue) {
        slots.get().remove(pv.format(queue));
        return 1;
    }

    @Override
    public int mq_size(String queue) {
        FakeQueue q = queues.get(pv.format(queue));
        return q == null ? -1 : q.size();
    }

    @Override
    public String mqk_get(String queue) {
        MQueueItem held = held(queue);
        return held == null ? null : held.key();
    }

    @Override
    public String mqv_get(String queue) {
        MQueueItem held = held(queue);
        return held == null ? null : held.value();
    }

    @Override
    public String mqk_gete(String queue) {
        String k = mqk_get(queue);
        return k == null ? "" : k;
    }

    @Override
    public String mqv_gete(String queue) {
        String v = mqv_get(queue);
        return v == null ? "" : v;
    }

    @Override
    public String mqk_getw(String queue) {
        String k = mqk_get(queue);
        return k == null ? "<null>" : k;
    }

    @Override
    public String mqv_getw(String queue) {
        String v = mqv_get(queue);
        return v == null ? "<null>" : v;
    }

    private MQueueItem held(String queue) {
        String name = pv.format(queue);
        return queues.containsKey(name) ? slots.get().get(name) : null;
    }

    @Override
    public MQueue queue(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("mqueue '" + name + "' not found (defined: "
                + String.join(", ", queues.keySet()) + ")"));
    }

    @Override
    public Optional<MQueue> find(String name) {
        return Optional.ofNullable(queues.get(name));
    }

    @Override
    public List<MQueue> all() {
        return List.copyOf(queues.values());
    }

    private static final class FakeQueue implements MQueue {
        private record Entry(MQueueItem item, long addedNanos) {
        }

        private final MQueueDefinition definition;
        private final LongSupplier nanos;
        private final Deque<Entry> items = new ArrayDeque<>();
        private long adds;
        private long evictions;
        private long duplicatesIgnored;
        private long replaced;
        private long fetches;

        FakeQueue(MQueueDefinition definition, LongSupplier nanos) {
            this.definition = definition;
            this.nanos = nanos;
        }

        @Override
        public String name() {
            return definition.name();
        }

        @Override
        public MQueueDefinition definition() {
            return definition;
        }

        @Override
        public synchronized void add(String key, String value) {
            adds++;
            if (definition.addmode() == 1 && items.stream().anyMatch(e -> e.item().key().equals(key))) {
                duplicatesIgnored++;
                return;
            }
            if (definition.addmode() == 2) {
                for (Iterator<Entry> i = items.iterator(); i.hasNext();) {
                    if (i.next().item().key().equals(key)) {
                        i.remove();
                        replaced++;
                        items.addLast(new Entry(new MQueueItem(key, value), nanos.getAsLong()));
                        return;
                    }
                }
            }
            items.addLast(new Entry(new MQueueItem(key, value), nanos.getAsLong()));
            if (definition.size() > 0 && items.size() > definition.size()) {
                items.removeFirst();
                evictions++;
            }
        }

        @Override
        public synchronized Optional<MQueueItem> poll() {
            Entry e = items.pollFirst();
            if (e == null) {
                return Optional.empty();
            }
            fetches++;
            return Optional.of(e.item());
        }

        @Override
        public synchronized int drain(int max, Consumer<? super MQueueItem> consumer) {
            int n = 0;
            for (Optional<MQueueItem> i; n < max && (i = poll()).isPresent(); n++) {
                consumer.accept(i.get());
            }
            return n;
        }

        @Override
        public synchronized List<MQueueItem> drainAll() {
            List<MQueueItem> all = new ArrayList<>();
            drain(Integer.MAX_VALUE, all::add);
            return all;
        }

        @Override
        public synchronized int size() {
            return items.size();
        }

        @Override
        public synchronized MQueueStats stats() {
            long oldest = items.isEmpty() ? 0 : nanos.getAsLong() - items.peekFirst().addedNanos();
            return new MQueueStats(adds, evictions, duplicatesIgnored, replaced, fetches, oldest);
        }
    }
}
