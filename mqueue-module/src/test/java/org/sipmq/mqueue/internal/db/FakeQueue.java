package org.sipmq.mqueue.internal.db;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueueStats;

/** A simple, O(n) queue honouring the size limit and addmodes 0/1/2 (spec §1-§2); see {@link TestQueues}. */
final class FakeQueue implements MQueue {
    private final MQueueDefinition definition;
    private final Deque<MQueueItem> items = new ArrayDeque<>();

    FakeQueue(MQueueDefinition definition) {
        this.definition = definition;
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
        MQueueItem item = new MQueueItem(key, value);
        if (definition.addmode() == 1 && items.stream().anyMatch(i -> i.key().equals(key))) {
            return;
        }
        if (definition.addmode() == 2 && items.removeIf(i -> i.key().equals(key))) {
            items.addLast(item); // replacing never evicts
            return;
        }
        items.addLast(item);
        if (definition.size() > 0 && items.size() > definition.size()) {
            items.removeFirst();
        }
    }

    @Override
    public synchronized Optional<MQueueItem> poll() {
        return Optional.ofNullable(items.pollFirst());
    }

    @Override
    public synchronized int drain(int max, Consumer<? super MQueueItem> consumer) {
        int n = 0;
        while (n < max && !items.isEmpty()) {
            consumer.accept(items.removeFirst());
            n++;
        }
        return n;
    }

    @Override
    public synchronized List<MQueueItem> drainAll() {
        List<MQueueItem> all = new ArrayList<>(items);
        items.clear();
        return all;
    }

    @Override
    public synchronized int size() {
        return items.size();
    }

    @Override
    public MQueueStats stats() {
        return new MQueueStats(0, 0, 0, 0, 0, 0);
    }
}
