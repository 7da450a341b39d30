package org.sipmq.mqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueDefinition;

class QueueTableTest {
    private final QueueTable table = new QueueTable(
            List.of(new MQueueDefinition("acc", 0, 0, 0), new MQueueDefinition("cdr", 0, 2, 0)), () -> 0L);
    private final ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "other-context"));

    @AfterEach
    void stop() throws InterruptedException {
        other.shutdownNow();
        assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private String heldKey(String queue) {
        Node n = table.held(table.require(queue));
        return n == null ? null : n.key;
    }

    @Test
    void fetchTakesTheOldestIntoThisThreadsSlot() {
        table.require("acc").add("k1", "v1");
        table.require("acc").add("k2", "v2");

        assertThat(table.fetch("acc")).isEqualTo(1);
        assertThat(heldKey("acc")).isEqualTo("k1");
        assertThat(table.require("acc").size()).isEqualTo(1);
    }

    @Test
    void slotSurvivesUntilTheNextFetch() {
        table.require("acc").add("k1", "v1");
        table.fetch("acc");
        table.require("acc").add("k2", "v2");

        assertThat(heldKey("acc")).isEqualTo("k1");
        table.fetch("acc");
        assertThat(heldKey("acc")).isEqualTo("k2");
    }

    @Test
    void fetchOnEmptyClearsTheSlot() {
        table.require("acc").add("k1", "v1");
        table.fetch("acc");

        assertThat(table.fetch("acc")).isEqualTo(-2);
        assertThat(heldKey("acc")).isNull();
    }

    @Test
    void fetchOnUnknownQueueLeavesEverySlot() {
        table.require("acc").add("a", "1");
        table.require("cdr").add("c", "2");
        table.fetch("acc");
        table.fetch("cdr");

        assertThat(table.fetch("acx")).isEqualTo(-1);
        assertThat(heldKey("acc")).isEqualTo("a");
        assertThat(heldKey("cdr")).isEqualTo("c");
    }

    @Test
    void fetchFromOneQueueNeverTouchesAnothersSlot() {
        table.require("acc").add("a", "1");
        table.fetch("acc");

        assertThat(table.fetch("cdr")).isEqualTo(-2);
        assertThat(heldKey("acc")).isEqualTo("a");
        assertThat(heldKey("cdr")).isNull();
    }

    @Test
    void freeDropsTheHeldItemWithoutRequeueing() {
        table.require("acc").add("a", "1");
        table.fetch("acc");
        table.free("acc");

        assertThat(heldKey("acc")).isNull();
        assertThat(table.require("acc").size()).isZero();
        table.free("acx"); // unknown: nothing happens
    }

    @Test
    void heldItemsDoNotCountForDeduplication() {
        table.require("cdr").add("k", "old");
        table.fetch("cdr");
        table.require("cdr").add("k", "new");

        assertThat(table.require("cdr").size()).isEqualTo(1);
        assertThat(table.require("cdr").stats().replaced()).isZero();
        assertThat(table.held(table.require("cdr")).value).isEqualTo("old");
    }

    @Test
    void eachThreadHasItsOwnSlot() throws Exception {
        table.require("acc").add("mine", "1");
        table.require("acc").add("theirs", "2");
        table.fetch("acc");

        String[] seen = other.submit(() -> {
            String before = heldKey("acc");
            int rc = table.fetch("acc");
            return new String[]{before, Integer.toString(rc), heldKey("acc")};
        }).get(10, TimeUnit.SECONDS);

        assertThat(seen).containsExactly(null, "1", "theirs");
        assertThat(heldKey("acc")).isEqualTo("mine");
        assertThat(other.submit(() -> heldKey("acc")).get(10, TimeUnit.SECONDS)).isEqualTo("theirs");
    }

    @Test
    void twoTablesNeverShareSlots() {
        QueueTable second = new QueueTable(List.of(new MQueueDefinition("acc", 0, 0, 0)), () -> 0L);
        table.require("acc").add("a", "1");
        table.fetch("acc");

        assertThat(second.held(second.require("acc"))).isNull();
    }

    @Test
    void requireNamesTheDefinedQueues() {
        assertThatThrownBy(() -> table.require("acx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mqueue 'acx' not found (defined: acc, cdr)");
        QueueTable empty = new QueueTable(List.of(), () -> 0L);
        assertThat(empty.notFound("x")).isEqualTo("mqueue 'x' not found (defined: none)");
    }

    @Test
    void namesAreCaseSensitive() {
        assertThat(table.find("ACC")).isNull();
        assertThat(table.fetch("ACC")).isEqualTo(-1);
    }

    @Test
    void allIsInDefinitionOrder() {
        assertThat(table.all()).extracting(MQueue::name).containsExactly("acc", "cdr");
    }

    @Test
    void rejectsDuplicateDefinitions() {
        MQueueDefinition d = new MQueueDefinition("q", 0, 0, 0);
        assertThatThrownBy(() -> new QueueTable(List.of(d, d), () -> 0L)).hasMessage("mqueue 'q' defined twice");
    }
}
