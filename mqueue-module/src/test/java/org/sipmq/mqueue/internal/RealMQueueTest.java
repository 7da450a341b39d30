package org.sipmq.mqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
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
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueueStats;

class RealMQueueTest {
    private long now = 1_000;
    private ExecutorService pool;

    @AfterEach
    void stopPool() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private RealMQueue queue(int size, int addmode) {
        return new RealMQueue(new MQueueDefinition("q", size, addmode, 0), 0, () -> now);
    }

    private static List<MQueueItem> items(RealMQueue q) {
        return q.drainAll();
    }

    private static MQueueItem item(String key, String value) {
        return new MQueueItem(key, value);
    }

    @Test
    void appendModeKeepsDuplicatesInOrder() {
        RealMQueue q = queue(0, 0);
        q.add("k", "1");
        q.add("k", "2");
        q.add("j", "3");

        assertThat(q.size()).isEqualTo(3);
        assertThat(items(q)).containsExactly(item("k", "1"), item("k", "2"), item("j", "3"));
    }

    @Test
    void sizeLimitDropsTheSingleOldestItem() {
        RealMQueue q = queue(2, 0);
        q.add("a", "1");
        q.add("b", "2");
        q.add("c", "3");

        assertThat(q.size()).isEqualTo(2);
        assertThat(q.stats().evictions()).isEqualTo(1);
        assertThat(items(q)).containsExactly(item("b", "2"), item("c", "3"));
    }

    @Test
    void sizeZeroIsUnlimited() {
        RealMQueue q = queue(0, 0);
        for (int i = 0; i < 10_000; i++) {
            q.add("k" + i, "v");
        }
        assertThat(q.size()).isEqualTo(10_000);
        assertThat(q.stats().evictions()).isZero();
    }

    @Test
    void keepOldestIgnoresAQueuedKey() {
        RealMQueue q = queue(0, 1);
        q.add("k", "first");
        q.add("j", "x");
        q.add("k", "second");

        assertThat(q.size()).isEqualTo(2);
        assertThat(q.stats().duplicatesIgnored()).isEqualTo(1);
        assertThat(q.stats().adds()).isEqualTo(3);
        assertThat(items(q)).containsExactly(item("k", "first"), item("j", "x"));
    }

    @Test
    void keepOldestAcceptsAKeyAgainOnceItWasFetched() {
        RealMQueue q = queue(0, 1);
        q.add("k", "first");
        assertThat(q.poll()).contains(item("k", "first"));
        q.add("k", "second");

        assertThat(items(q)).containsExactly(item("k", "second"));
    }

    @Test
    void keepOldestEvictsTheOldestForANewKey() {
        RealMQueue q = queue(2, 1);
        q.add("a", "1");
        q.add("b", "2");
        q.add("a", "ignored");
        q.add("c", "3");

        assertThat(items(q)).containsExactly(item("b", "2"), item("c", "3"));
    }

    @Test
    void keepNewestMovesReplacedKeyToTail() {
        RealMQueue q = queue(0, 2);
        q.add("a", "1");
        q.add("b", "2");
        q.add("a", "3");

        assertThat(q.stats().replaced()).isEqualTo(1);
        assertThat(items(q)).containsExactly(item("b", "2"), item("a", "3"));
    }

    @Test
    void keepNewestReplacementNeverEvicts() {
        RealMQueue q = queue(2, 2);
        q.add("a", "1");
        q.add("b", "2");
        q.add("a", "3");

        assertThat(q.stats().evictions()).isZero();
        assertThat(items(q)).containsExactly(item("b", "2"), item("a", "3"));
    }

    @Test
    void keepNewestEvictsTheOldestForANewKey() {
        RealMQueue q = queue(2, 2);
        q.add("a", "1");
        q.add("b", "2");
        q.add("c", "3");

        assertThat(q.stats().evictions()).isEqualTo(1);
        assertThat(items(q)).containsExactly(item("b", "2"), item("c", "3"));
    }

    @Test
    void keepNewestAddsAFetchedKeyAsNew() {
        RealMQueue q = queue(0, 2);
        q.add("a", "1");
        q.poll();
        q.add("a", "2");

        assertThat(q.stats().replaced()).isZero();
        assertThat(items(q)).containsExactly(item("a", "2"));
    }

    @Test
    void emptyKeysAndValuesAreStoredAndDeduplicated() {
        RealMQueue q = queue(0, 1);
        q.add("", "");
        q.add("", "again");

        assertThat(q.size()).isEqualTo(1);
        assertThat(q.poll()).contains(item("", ""));
        assertThat(q.poll()).isEmpty();
    }

    @Test
    void nullKeyOrValueIsRejected() {
        RealMQueue q = queue(0, 0);
        assertThatThrownBy(() -> q.add(null, "v")).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> q.add("k", null)).isInstanceOf(NullPointerException.class).hasMessage("value");
    }

    @Test
    void pollOnEmptyGivesNothing() {
        assertThat(queue(0, 2).poll()).isEmpty();
    }

    @Test
    void drainTakesUpToMaxOldestFirst() {
        RealMQueue q = queue(0, 0);
        for (int i = 0; i < 5; i++) {
            q.add("k" + i, "v" + i);
        }
        List<MQueueItem> got = new ArrayList<>();

        assertThat(q.drain(3, got::add)).isEqualTo(3);
        assertThat(got).extracting(MQueueItem::key).containsExactly("k0", "k1", "k2");
        assertThat(q.drain(10, got::add)).isEqualTo(2);
        assertThat(q.drain(10, got::add)).isZero();
        assertThat(q.stats().fetches()).isEqualTo(5);
    }

    @Test
    void drainWithAFailingConsumerKeepsTheRestQueued() {
        RealMQueue q = queue(0, 0);
        q.add("a", "1");
        q.add("b", "2");

        assertThatThrownBy(() -> q.drain(2, i -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(items(q)).containsExactly(item("b", "2"));
    }

    @Test
    void drainRejectsNegativeMax() {
        assertThatThrownBy(() -> queue(0, 0).drain(-1, i -> {
        })).hasMessage("max: -1 (expected: >= 0)");
    }

    @Test
    void drainAllEmptiesTheQueueInFifoOrder() {
        RealMQueue q = queue(0, 2);
        q.add("a", "1");
        q.add("b", "2");
        q.add("a", "3");

        assertThat(q.drainAll()).containsExactly(item("b", "2"), item("a", "3"));
        assertThat(q.size()).isZero();
        assertThat(q.stats().fetches()).isEqualTo(2);
    }

    @Test
    void statsCountEveryKindOfEvent() {
        RealMQueue q = queue(2, 2);
        q.add("a", "1");
        q.add("b", "1");
        q.add("a", "2");
        q.add("c", "1");
        q.poll();

        assertThat(q.stats()).isEqualTo(new MQueueStats(4, 1, 0, 1, 1, 0, 0));
    }

    @Test
    void oldestAgeComesFromTheInjectedClock() {
        RealMQueue q = queue(0, 0);
        assertThat(q.stats().oldestAgeNanos()).isZero();
        q.add("a", "1");
        now += 500;
        q.add("b", "2");
        now += 250;

        assertThat(q.stats().oldestAgeNanos()).isEqualTo(750);
        q.poll();
        assertThat(q.stats().oldestAgeNanos()).isEqualTo(250);
    }

    @Test
    void replacementRestartsTheKeysAge() {
        RealMQueue q = queue(0, 2);
        q.add("a", "1");
        now += 100;
        q.add("a", "2");
        now += 10;

        assertThat(q.stats().oldestAgeNanos()).isEqualTo(10);
    }

    @Test
    void concurrentProducersAndConsumersLoseNothingAndDeliverNothingTwice() throws Exception {
        for (int addmode = 0; addmode <= 2; addmode++) {
            RealMQueue q = queue(0, addmode);
            int producers = 3;
            int perProducer = 20_000;
            pool = Executors.newFixedThreadPool(producers + 2);
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger producing = new AtomicInteger(producers);
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perProducer; i++) {
                        q.add(producer + ":" + i, Integer.toString(i));
                    }
                    producing.decrementAndGet();
                    return null;
                }));
            }
            List<Future<List<MQueueItem>>> consumers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                consumers.add(pool.submit(() -> {
                    start.await();
                    List<MQueueItem> got = new ArrayList<>();
                    while (producing.get() > 0 || q.size() > 0) {
                        q.poll().ifPresent(got::add);
                    }
                    return got;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            Set<String> seen = new HashSet<>();
            for (Future<List<MQueueItem>> f : consumers) {
                Map<Integer, Integer> lastPerProducer = new HashMap<>();
                for (MQueueItem item : f.get(60, TimeUnit.SECONDS)) {
                    assertThat(seen.add(item.key())).as("delivered twice: %s", item.key()).isTrue();
                    String[] parts = item.key().split(":");
                    int producer = Integer.parseInt(parts[0]);
                    int i = Integer.parseInt(parts[1]);
                    Integer last = lastPerProducer.put(producer, i);
                    assertThat(last == null || last < i).as("producer %d order: %d after %d", producer, i, last)
                            .isTrue();
                }
            }
            assertThat(seen).as("addmode %d", addmode).hasSize(producers * perProducer);
            assertThat(q.size()).isZero();
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** What one contended run saw: items delivered by the consumers, in no particular order. */
    private record Run(List<MQueueItem> delivered, int maxSizeSeen) {
    }

    /**
     * {@code producers} threads add {@code perProducer} items each (key from {@code keyOf}, value unique) while one or
     * more consumers poll, each until the producers are done or it has taken {@code consumerCap} items, and a sampler
     * reads {@link RealMQueue#size()} all along.
     */
    private Run contend(RealMQueue q, int producers, int perProducer, int consumers, int consumerCap,
            BiFunction<Integer, Integer, String> keyOf) throws Exception {
        pool = Executors.newFixedThreadPool(producers + consumers + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger producing = new AtomicInteger(producers);
        List<Future<?>> adders = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            adders.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perProducer; i++) {
                    q.add(keyOf.apply(producer, i), producer + ":" + i);
                }
                producing.decrementAndGet();
                return null;
            }));
        }
        List<Future<List<MQueueItem>>> takers = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            takers.add(pool.submit(() -> {
                start.await();
                List<MQueueItem> got = new ArrayList<>();
                while (got.size() < consumerCap && producing.get() > 0) {
                    q.poll().ifPresent(got::add);
                }
                return got;
            }));
        }
        Future<Integer> sampler = pool.submit(() -> {
            start.await();
            int max = 0;
            while (producing.get() > 0) {
                max = Math.max(max, q.size());
            }
            return max;
        });
        start.countDown();
        for (Future<?> f : adders) {
            f.get(60, TimeUnit.SECONDS);
        }
        List<MQueueItem> delivered = new ArrayList<>();
        for (Future<List<MQueueItem>> f : takers) {
            delivered.addAll(f.get(60, TimeUnit.SECONDS));
        }
        int maxSize = sampler.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        return new Run(delivered, maxSize);
    }

    /**
     * Every item that went in came out exactly one way: adds = delivered + replaced + evictions + duplicatesIgnored +
     * remaining. {@code size()} matches what is really left, and no value (unique per add) came out twice.
     */
    private static void assertConserved(RealMQueue q, Run run, String as) {
        int size = q.size();
        List<MQueueItem> remaining = q.drainAll();
        MQueueStats stats = q.stats();
        assertThat(remaining).as("%s: size() vs what drainAll() took", as).hasSize(size);
        assertThat(stats.fetches()).as("%s: fetches", as).isEqualTo(run.delivered().size() + (long) size);
        assertThat(stats.adds()).as("%s: adds = delivered + replaced + evictions + duplicatesIgnored + remaining", as)
                .isEqualTo(run.delivered().size() + stats.replaced() + stats.evictions() + stats.duplicatesIgnored()
                        + remaining.size());
        List<String> values = new ArrayList<>();
        run.delivered().forEach(i -> values.add(i.value()));
        remaining.forEach(i -> values.add(i.value()));
        assertThat(values).as("%s: an item came out twice", as).doesNotHaveDuplicates();
        if (q.definition().addmode() != 0) {
            assertThat(remaining).extracting(MQueueItem::key).as("%s: keys left", as).doesNotHaveDuplicates();
        }
    }

    @Test
    void contendedQueuesConserveEveryItemInEveryAddmode() throws Exception {
        for (int addmode = 0; addmode <= 2; addmode++) {
            RealMQueue q = queue(0, addmode);
            // 50 keys shared by 4 producers: addmodes 1 and 2 ignore and replace under contention.
            Run run = contend(q, 4, 25_000, 2, Integer.MAX_VALUE, (p, i) -> "k" + (i % 50));

            assertConserved(q, run, "addmode " + addmode);
            assertThat(q.stats().adds()).isEqualTo(100_000);
            if (addmode == 0) {
                assertThat(q.stats().replaced() + q.stats().duplicatesIgnored()).isZero();
            }
        }
    }

    @Test
    void contendedQueueWithSizeLimitNeverExceedsItAndCountsEvictions() throws Exception {
        int limit = 20;
        int adds = 3 * 20_000;
        int consumerCap = 10_000;
        for (int addmode = 0; addmode <= 2; addmode++) {
            RealMQueue q = queue(limit, addmode);
            // Unique keys and a consumer that stops after 10,000 items: at least adds - 10,000 - limit evictions.
            Run run = contend(q, 3, adds / 3, 1, consumerCap, (p, i) -> p + ":" + i);

            assertThat(run.maxSizeSeen()).as("addmode %d: largest size() seen", addmode).isLessThanOrEqualTo(limit);
            assertThat(q.size()).isLessThanOrEqualTo(limit);
            assertThat(q.stats().evictions()).as("addmode %d: evictions", addmode)
                    .isGreaterThanOrEqualTo(adds - consumerCap - limit);
            assertConserved(q, run, "addmode " + addmode + ", size " + limit);
        }
    }
}
