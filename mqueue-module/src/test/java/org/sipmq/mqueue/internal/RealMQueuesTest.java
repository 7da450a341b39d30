package org.sipmq.mqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueConfig;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.pv.PvException;
import org.sipmq.proxy.pv.PvProvider;
import org.sipmq.proxy.pv.Vars;

class RealMQueuesTest {
    /** Stands in for the SIP message's {@code $ci}: counts its reads so that tests see when formats are evaluated. */
    private final AtomicInteger callIdReads = new AtomicInteger();
    private final PvProvider callId = argument -> "call-" + callIdReads.incrementAndGet();

    private final MQueues mq = QueuesModule.create(
            MQueueConfig.of(new MQueueDefinition("acc", 0, 0, 0), new MQueueDefinition("cdr", 2, 1, 0)),
            Map.of("ci", callId), () -> 0L);

    @AfterEach
    void clearVars() {
        Vars.clear();
    }

    @Test
    void addReturnsOneAndUnknownQueueMinusOne() {
        assertThat(mq.mq_add("acc", "k", "v")).isEqualTo(1);
        assertThat(mq.mq_add("acx", "k", "v")).isEqualTo(-1);
        assertThat(mq.mq_size("acc")).isEqualTo(1);
    }

    @Test
    void addIsSuccessWhenADuplicateIsIgnoredOrTheOldestEvicted() {
        assertThat(mq.mq_add("cdr", "a", "1")).isEqualTo(1);
        assertThat(mq.mq_add("cdr", "a", "2")).isEqualTo(1);
        assertThat(mq.mq_add("cdr", "b", "3")).isEqualTo(1);
        assertThat(mq.mq_add("cdr", "c", "4")).isEqualTo(1);
        assertThat(mq.queue("cdr").drainAll()).containsExactly(new MQueueItem("b", "3"), new MQueueItem("c", "4"));
    }

    @Test
    void fetchReturnCodes() {
        mq.mq_add("acc", "k", "v");
        assertThat(mq.mq_fetch("acc")).isEqualTo(1);
        assertThat(mq.mq_fetch("acc")).isEqualTo(-2);
        assertThat(mq.mq_fetch("acx")).isEqualTo(-1);
    }

    @Test
    void sizeFollowsKemi() {
        assertThat(mq.mq_size("acc")).isZero();
        assertThat(mq.mq_size("acx")).isEqualTo(-1);
    }

    @Test
    void getReadsThisThreadsHeldItem() {
        mq.mq_add("acc", "k", "v");
        assertThat(mq.mqk_get("acc")).isNull();
        mq.mq_fetch("acc");

        assertThat(mq.mqk_get("acc")).isEqualTo("k");
        assertThat(mq.mqv_get("acc")).isEqualTo("v");
        assertThat(mq.mqk_get("acx")).isNull();
    }

    @Test
    void getGivesEmptyStringsForAnEmptyKeyAndValue() {
        mq.mq_add("acc", "", "");
        mq.mq_fetch("acc");

        assertThat(mq.mqk_get("acc")).isEmpty();
        assertThat(mq.mqv_get("acc")).isEmpty();
    }

    @Test
    void geteGivesEmptyStringInsteadOfNull() {
        assertThat(mq.mqk_gete("acc")).isEmpty();
        assertThat(mq.mqv_gete("acx")).isEmpty();
        mq.mq_add("acc", "k", "v");
        mq.mq_fetch("acc");
        assertThat(mq.mqk_gete("acc")).isEqualTo("k");
        assertThat(mq.mqv_gete("acc")).isEqualTo("v");
    }

    @Test
    void getwGivesNullMarkerInsteadOfNull() {
        assertThat(mq.mqk_getw("acc")).isEqualTo("<null>");
        assertThat(mq.mqv_getw("acx")).isEqualTo("<null>");
        mq.mq_add("acc", "k", "v");
        mq.mq_fetch("acc");
        assertThat(mq.mqk_getw("acc")).isEqualTo("k");
        assertThat(mq.mqv_getw("acc")).isEqualTo("v");
    }

    @Test
    void geteAndGetwGiveTheEmptyStringOfAHeldEmptyKeyAndValue() {
        mq.mq_add("acc", "", "");
        mq.mq_fetch("acc");

        // Spec §2: "" for an empty key/value; only null (nothing held) becomes "" or "<null>".
        assertThat(mq.mqk_gete("acc")).isEmpty();
        assertThat(mq.mqv_gete("acc")).isEmpty();
        assertThat(mq.mqk_getw("acc")).isEmpty();
        assertThat(mq.mqv_getw("acc")).isEmpty();
    }

    @Test
    void fetchCountsInTheQueueStatsOnlyWhenItTakesAnItem() {
        mq.mq_add("acc", "a", "1");
        mq.mq_add("acc", "b", "2");
        mq.mq_fetch("acc");
        mq.mq_fetch("acc");
        mq.mq_fetch("acc"); // -2: nothing taken

        assertThat(mq.queue("acc").stats().fetches()).isEqualTo(2);
        assertThat(mq.queue("cdr").stats().fetches()).isZero();
    }

    @Test
    void fetchOnAnUnknownQueueLeavesEverySlotAsItWas() {
        mq.mq_add("acc", "a", "1");
        mq.mq_add("cdr", "c", "3");
        mq.mq_fetch("acc");
        mq.mq_fetch("cdr");

        assertThat(mq.mq_fetch("acx")).isEqualTo(-1);

        assertThat(mq.mqk_get("acc")).isEqualTo("a");
        assertThat(mq.mqv_get("cdr")).isEqualTo("3");
    }

    @Test
    void pvFreeAlwaysReturnsOneAndDropsTheHeldItem() {
        mq.mq_add("acc", "k", "v");
        mq.mq_fetch("acc");

        assertThat(mq.mq_pv_free("acc")).isEqualTo(1);
        assertThat(mq.mqk_get("acc")).isNull();
        assertThat(mq.mq_pv_free("acx")).isEqualTo(1);
        assertThat(mq.mq_size("acc")).isZero();
    }

    @Test
    void afterEmptyFetchValuesReadNull() {
        mq.mq_add("acc", "k", "v");
        mq.mq_fetch("acc");
        mq.mq_fetch("acc");

        assertThat(mq.mqk_get("acc")).isNull();
        assertThat(mq.mqv_get("acc")).isNull();
    }

    @Test
    void parametersAreFormatsEvaluatedAtCallTime() {
        Vars.set("q", "acc");
        Vars.set("user", "alice");

        assertThat(mq.mq_add("$var(q)", "$ci", "u:$var(user) n:$var(none) s:$mq_size(acc)")).isEqualTo(1);
        mq.mq_add("acc", "$ci", "second");

        assertThat(mq.mq_fetch("$var(q)")).isEqualTo(1);
        assertThat(mq.mqk_get("$var(q)")).isEqualTo("call-1");
        assertThat(mq.mqv_get("acc")).isEqualTo("u:alice n:<null> s:0");
        mq.mq_fetch("acc");
        assertThat(mq.mqk_get("acc")).isEqualTo("call-2");
    }

    @Test
    void formatsCanReadTheHeldItem() {
        mq.mq_add("acc", "k1", "v1");
        mq.mq_fetch("acc");
        mq.mq_add("cdr", "$mqk(acc)", "from $mqv(acc)");
        mq.mq_fetch("cdr");

        assertThat(mq.mqk_get("cdr")).isEqualTo("k1");
        assertThat(mq.mqv_get("cdr")).isEqualTo("from v1");
    }

    @Test
    void literalParametersNeverTouchTheEngine() {
        mq.mq_add("acc", "plain key", "plain value");
        assertThat(callIdReads).hasValue(0);
    }

    @Test
    void unknownQueueSkipsTheKeyAndValueFormats() {
        assertThat(mq.mq_add("acx", "$ci", "$ci")).isEqualTo(-1);
        assertThat(callIdReads).hasValue(0);
    }

    @Test
    void malformedFormatIsAnError() {
        assertThatThrownBy(() -> mq.mq_add("acc", "$nope", "v")).isInstanceOf(PvException.class)
                .hasMessageContaining("unknown pseudo-variable '$nope'");
    }

    @Test
    void queueNamesTheDefinedQueuesWhenMissing() {
        assertThat(mq.queue("acc").name()).isEqualTo("acc");
        assertThatThrownBy(() -> mq.queue("acx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mqueue 'acx' not found (defined: acc, cdr)");
    }

    @Test
    void findAndAllExposeTheIdiomaticQueues() {
        assertThat(mq.find("cdr")).map(MQueue::definition).contains(new MQueueDefinition("cdr", 2, 1, 0));
        assertThat(mq.find("CDR")).isEmpty();
        List<MQueue> all = mq.all();
        assertThat(all).extracting(MQueue::name).containsExactly("acc", "cdr");
    }

    @Test
    void idiomaticApiTakesLiteralStringsAndSharesTheQueue() {
        mq.queue("acc").add("$ci", "$var(x)");
        assertThat(mq.mq_fetch("acc")).isEqualTo(1);
        assertThat(mq.mqk_get("acc")).isEqualTo("$ci");
        assertThat(callIdReads).hasValue(0);
    }

    @Test
    void concurrentFetchersEachReadTheirOwnSlot() throws Exception {
        int perProducer = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger producing = new AtomicInteger(2);
            List<Future<?>> producers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int producer = p;
                producers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perProducer; i++) {
                        mq.mq_add("acc", producer + ":" + i, "v" + producer + ":" + i);
                    }
                    producing.decrementAndGet();
                    return null;
                }));
            }
            List<Future<List<String>>> fetchers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                fetchers.add(pool.submit(() -> {
                    start.await();
                    List<String> got = new ArrayList<>();
                    while (producing.get() > 0 || mq.mq_size("acc") > 0) {
                        if (mq.mq_fetch("acc") == 1) {
                            String key = mq.mqk_get("acc");
                            assertThat(mq.mqv_get("acc")).isEqualTo("v" + key);
                            got.add(key);
                        }
                    }
                    return got;
                }));
            }
            start.countDown();
            for (Future<?> f : producers) {
                f.get(60, TimeUnit.SECONDS);
            }
            Set<String> all = new HashSet<>();
            for (Future<List<String>> f : fetchers) {
                for (String key : f.get(60, TimeUnit.SECONDS)) {
                    assertThat(all.add(key)).as("fetched twice: %s", key).isTrue();
                }
            }
            assertThat(all).hasSize(2 * perProducer);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void publicFactoryBuildsWorkingQueues() {
        MQueues plain = MQueueModule.queues(MQueueConfig.of(new MQueueDefinition("q", 0, 0, 0)));
        Vars.set("v", "x");
        plain.mq_add("q", "$var(v)", "$mq_size(q)");
        plain.mq_fetch("q");
        assertThat(plain.mqk_get("q")).isEqualTo("x");
        assertThat(plain.mqv_get("q")).isEqualTo("0");
    }

    @Test
    void mqAddOfAnItemLongerThanItsTableReturnsMinusThreeAndQueuesNothing() {
        QueueLimits.limit(mq.queue("acc"), 5, 8);

        assertThat(mq.mq_add("acc", "k".repeat(6), "v")).isEqualTo(MQueues.MQ_ADD_TOO_LARGE).isNegative();
        assertThat(mq.mq_add("acc", "k", "v".repeat(9))).isEqualTo(-3);
        assertThat(mq.mq_add("acc", "k".repeat(5), "v".repeat(8))).as("exactly the column sizes").isEqualTo(1);
        assertThat(mq.mq_add("acc", "\u20ac".repeat(5), "\uD83D\uDE00".repeat(8)))
                .as("characters, not UTF-16 units or bytes").isEqualTo(1);

        assertThat(mq.mq_size("acc")).isEqualTo(2);
        assertThat(mq.queue("acc").stats().refused()).isEqualTo(2);
        assertThat(mq.queue("acc").stats().adds()).isEqualTo(2);
        assertThat(mq.mq_add("cdr", "k".repeat(6), "v")).as("another queue has no limit").isEqualTo(1);
    }

    @Test
    void addOfAnItemLongerThanItsTableThrowsNamingTheQueueTheLengthAndTheColumn() {
        QueueLimits.limit(mq.queue("acc"), 5, 8);

        assertThatThrownBy(() -> mq.queue("acc").add("k", "v".repeat(9)))
                .isInstanceOf(org.sipmq.mqueue.MQueueItemTooLargeException.class)
                .hasMessage("mqueue 'acc': value of 9 characters refused (expected: at most 8, the size of the val"
                        + " column of table acc)");
        assertThat(mq.queue("acc").size()).isZero();
    }
}
