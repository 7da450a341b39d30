package org.sipmq.mqueue.internal.db;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueues;

/** The queues for persistence tests: only the idiomatic lookups; the Kamailio-named functions are not needed. */
final class FakeQueues implements MQueues {
    private final List<MQueue> queues;

    FakeQueues(List<MQueue> queues) {
        this.queues = List.copyOf(queues);
    }

    @Override
    public MQueue queue(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("mqueue '" + name + "' not found (defined: "
                + queues.stream().map(MQueue::name).collect(Collectors.joining(", ")) + ")"));
    }

    @Override
    public Optional<MQueue> find(String name) {
        return queues.stream().filter(q -> q.name().equals(name)).findFirst();
    }

    @Override
    public List<MQueue> all() {
        return queues;
    }

    @Override
    public int mq_add(String queue, String key, String value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int mq_fetch(String queue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int mq_pv_free(String queue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int mq_size(String queue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String mqk_get(String queue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String mqv_get(String queue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String mqk_gete(String queue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String mqv_gete(String queue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String mqk_getw(String queue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String mqv_getw(String queue) {
        throw new UnsupportedOperationException();
    }
}
