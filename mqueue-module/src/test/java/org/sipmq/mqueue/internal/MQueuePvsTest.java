package org.sipmq.mqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.proxy.pv.PvEngine;
import org.sipmq.proxy.pv.PvException;
import org.sipmq.proxy.pv.Vars;

class MQueuePvsTest {
    private final QueueTable table = new QueueTable(
            List.of(new MQueueDefinition("acc", 0, 0, 0), new MQueueDefinition("cdr", 0, 0, 0)), () -> 0L);
    private final PvEngine pv = new PvEngine(Map.of("mqk", MQueuePvs.key(table), "mqv", MQueuePvs.value(table),
            "mq_size", MQueuePvs.size(table)));

    @AfterEach
    void clearVars() {
        Vars.clear();
    }

    @Test
    void keyAndValueOfTheHeldItem() {
        table.require("acc").add("k", "v");
        table.fetch("acc");

        assertThat(pv.get("$mqk(acc)")).isEqualTo("k");
        assertThat(pv.get("$mqv(acc)")).isEqualTo("v");
        assertThat(pv.format("$mqk(acc)=$mqv(acc)")).isEqualTo("k=v");
    }

    @Test
    void nothingHeldReadsNull() {
        assertThat(pv.get("$mqk(acc)")).isNull();
        assertThat(pv.format("[$mqv(acc)]")).isEqualTo("[<null>]");
    }

    @Test
    void emptyKeyAndValueReadNull() {
        table.require("acc").add("", "");
        table.fetch("acc");

        assertThat(pv.get("$mqk(acc)")).isNull();
        assertThat(pv.get("$mqv(acc)")).isNull();
        assertThat(pv.format("$mqk(acc)")).isEqualTo("<null>");
    }

    @Test
    void emptyFetchClearsWhatThePseudoVariablesRead() {
        table.require("acc").add("k", "v");
        table.fetch("acc");
        assertThat(pv.get("$mqk(acc)")).isEqualTo("k");

        assertThat(table.fetch("acc")).isEqualTo(-2);

        assertThat(pv.get("$mqk(acc)")).isNull();
        assertThat(pv.get("$mqv(acc)")).isNull();
        assertThat(pv.format("$mqk(acc)/$mqv(acc)")).isEqualTo("<null>/<null>");
    }

    @Test
    void sizeCountsQueuedItemsOnly() {
        assertThat(pv.get("$mq_size(acc)")).isEqualTo("0");
        table.require("acc").add("a", "1");
        table.require("acc").add("b", "2");
        table.fetch("acc");

        assertThat(pv.format("n=$mq_size(acc)")).isEqualTo("n=1");
    }

    @Test
    void nestedPseudoVariableNamesTheQueue() {
        table.require("cdr").add("k", "v");
        table.fetch("cdr");
        Vars.set("q", "cdr");

        assertThat(pv.get("$mqk($var(q))")).isEqualTo("k");
        assertThat(pv.get("$mqv($var(q))")).isEqualTo("v");
        assertThat(pv.get("$mq_size($var(q))")).isEqualTo("0");
    }

    @Test
    void unknownLiteralQueueFailsAtCompileTime() {
        assertThatThrownBy(() -> pv.compile("x $mqk(acx)")).isInstanceOf(PvException.class)
                .hasMessage("$mqk(acx): mqueue 'acx' not found (defined: acc, cdr)");
        assertThatThrownBy(() -> pv.compile("$mq_size(ACC)")).isInstanceOf(PvException.class)
                .hasMessageContaining("mqueue 'ACC' not found");
    }

    @Test
    void missingQueueNameFailsAtCompileTime() {
        assertThatThrownBy(() -> pv.compile("$mqv")).isInstanceOf(PvException.class)
                .hasMessage("$mqv needs a queue name: $mqv(queue)");
    }

    @Test
    void unknownNestedQueueFailsAtRunTime() {
        var format = pv.compile("$mqk($var(q))");
        Vars.set("q", "acx");

        assertThatThrownBy(format::render).isInstanceOf(PvException.class)
                .hasMessage("$mqk(acx): mqueue 'acx' not found (defined: acc, cdr)");
    }

    @Test
    void readsOnlyThisThreadsSlot() throws Exception {
        table.require("acc").add("k", "v");
        Thread t = new Thread(() -> table.fetch("acc"), "other-context");
        t.start();
        t.join(10_000);

        assertThat(t.isAlive()).isFalse();
        assertThat(pv.get("$mqk(acc)")).isNull();
        assertThat(table.require("acc").size()).isZero();
    }
}
