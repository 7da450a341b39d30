package org.sipmq.mqueue.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sipmq.mqueue.internal.redis.RedisNodes.await;
import static org.sipmq.mqueue.internal.redis.RedisNodes.queues;
import static org.sipmq.mqueue.internal.redis.RedisNodes.redis;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.testing.FreePorts;
import org.sipmq.proxy.testing.RedisServer;

/**
 * {@code backend=redis} queues against a real Redis of the test's own (so that it can be stopped and restarted), with
 * up to three nodes in this JVM, each with its own engine, shipper and drains. Every loop is bounded in count and
 * time; nothing asserts a duration.
 */
class RedisMQueueIT {
    @TempDir
    Path dir;

    private RedisServer redis;
    private final RedisNodes nodes = new RedisNodes();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(dir.resolve("redis"));
    }

    @AfterEach
    void stopAll() {
        nodes.close();
        redis.close();
    }

    private Sipmq node(String lines) {
        return nodes.start(redis.url(), lines);
    }

    private static void awaitShipped(Sipmq... apps) throws InterruptedException {
        for (Sipmq app : apps) {
            for (var q : queues(app).all()) {
                if (q instanceof RedisMQueue r) {
                    await("queue '" + r.name() + "' shipped (" + r.buffered() + " left)", 30,
                            () -> r.buffered() == 0);
                }
            }
        }
    }

    @Test
    void threeNodesShareOneQueueAndEveryItemIsFetchedExactlyOnce() throws Exception {
        String def = "modparam(\"mqueue\", \"mqueue\", \"name=acc;backend=redis\")\n";
        List<Sipmq> apps = List.of(node(def), node(def), node(def));
        int producersPerNode = 2;
        int perProducer = 3000;
        int total = apps.size() * producersPerNode * perProducer;
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < apps.size(); n++) {
            MQueues mq = queues(apps.get(n));
            for (int p = 0; p < producersPerNode; p++) {
                String prefix = "n" + n + "p" + p + "-";
                threads.add(started(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        assertThat(mq.mq_add("acc", prefix + i, "v")).isEqualTo(1);
                    }
                }));
            }
            for (int d = 0; d < 2; d++) { // two drain workers per node, as mode=2 would run
                threads.add(started(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (!done.get() && System.nanoTime() < deadline) {
                        if (mq.mq_fetch("acc") == 1) {
                            if (seen.put(mq.mqk_get("acc"), 1) != null) {
                                duplicates.incrementAndGet();
                            }
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                }));
            }
        }
        await("every item fetched (" + seen.size() + " of " + total + ")", 60, () -> seen.size() >= total);
        done.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(duplicates.get()).as("items fetched twice").isZero();
        assertThat(seen).hasSize(total);
        long fetchesOnAllNodes = apps.stream().mapToLong(a -> redis(a, "acc").stats().fetches()).sum();
        assertThat(fetchesOnAllNodes).isEqualTo(total);
        assertThat(apps).allSatisfy(a -> assertThat(redis(a, "acc").failedFast()).isZero());
        // Node 0's view of the shared count is refreshed every 100 ms: the other nodes' pops come later.
        await("node 0 sees the shared queue empty", 10, () -> redis(apps.get(0), "acc").size() == 0);
    }

    @Test
    void sizeLimitDropsTheOldestUnderConcurrentAddsFromThreeNodes() throws Exception {
        String def = "modparam(\"mqueue\", \"mqueue\", \"name=q;size=100;backend=redis\")\n";
        List<Sipmq> apps = List.of(node(def), node(def), node(def));
        addConcurrently(apps, 1000, (n, i) -> new MQueueItem("n" + n + "-" + i, "v"));
        awaitShipped(apps.toArray(Sipmq[]::new));
        long evicted = apps.stream().mapToLong(a -> redis(a, "q").stats().evictions()).sum();
        assertThat(evicted).isEqualTo(3 * 1000 - 100);
        List<MQueueItem> left = redis(apps.get(1), "q").drainAll();
        assertThat(left).hasSize(100).doesNotHaveDuplicates();
        // Each node's adds reach Redis in its order, so a node's items left are its newest.
        for (int n = 0; n < 3; n++) {
            String prefix = "n" + n + "-";
            List<Integer> mine = left.stream().filter(i -> i.key().startsWith(prefix))
                    .map(i -> Integer.parseInt(i.key().substring(prefix.length()))).toList();
            if (!mine.isEmpty()) {
                assertThat(mine).isSorted().last().isEqualTo(999);
                assertThat(mine.get(0)).isEqualTo(1000 - mine.size());
            }
        }
    }

    @Test
    void addmodeOneKeepsTheOldestOfEachKeyAcrossNodes() throws Exception {
        String def = "modparam(\"mqueue\", \"mqueue\", \"name=q;addmode=1;backend=redis\")\n";
        List<Sipmq> apps = List.of(node(def), node(def), node(def));
        int keys = 50;
        int rounds = 20;
        addConcurrently(apps, keys * rounds, (n, i) -> new MQueueItem("k" + (i % keys), "n" + n + "-" + i));
        awaitShipped(apps.toArray(Sipmq[]::new));
        await("node 0 sees " + keys + " keys in the shared queue", 10, () -> redis(apps.get(0), "q").size() == keys,
                () -> "it sees " + redis(apps.get(0), "q").size());
        long ignored = apps.stream().mapToLong(a -> redis(a, "q").stats().duplicatesIgnored()).sum();
        assertThat(ignored).isEqualTo(3L * keys * rounds - keys);
        List<MQueueItem> left = redis(apps.get(2), "q").drainAll();
        assertThat(left).extracting(MQueueItem::key).doesNotHaveDuplicates().hasSize(keys);
        // The first add of a key wins: a value of round 0 of some node.
        assertThat(left).allSatisfy(i -> assertThat(Integer.parseInt(i.value().split("-")[1])).isLessThan(keys));
    }

    @Test
    void addmodeTwoKeepsTheNewestOfEachKeyAndMovesItToTheTail() throws Exception {
        String def = "modparam(\"mqueue\", \"mqueue\", \"name=q;addmode=2;backend=redis\")\n";
        List<Sipmq> apps = List.of(node(def), node(def), node(def));
        int keys = 50;
        int rounds = 20;
        addConcurrently(apps, keys * rounds, (n, i) -> new MQueueItem("k" + (i % keys), "n" + n + "-" + i));
        awaitShipped(apps.toArray(Sipmq[]::new));
        await("node 0 sees " + keys + " keys in the shared queue", 10, () -> redis(apps.get(0), "q").size() == keys,
                () -> "it sees " + redis(apps.get(0), "q").size());
        long replaced = apps.stream().mapToLong(a -> redis(a, "q").stats().replaced()).sum();
        assertThat(replaced).isEqualTo(3L * keys * rounds - keys);
        List<MQueueItem> left = redis(apps.get(2), "q").drainAll();
        assertThat(left).extracting(MQueueItem::key).doesNotHaveDuplicates().hasSize(keys);
        // The last add of a key wins: a value of the last round of some node.
        assertThat(left).allSatisfy(
                i -> assertThat(Integer.parseInt(i.value().split("-")[1])).isGreaterThanOrEqualTo(keys * (rounds - 1)));

        MQueues mq = queues(apps.get(0));
        mq.mq_add("q", "a", "1");
        mq.mq_add("q", "b", "2");
        awaitShipped(apps.get(0));
        queues(apps.get(1)).mq_add("q", "a", "3");
        awaitShipped(apps.get(1));
        assertThat(redis(apps.get(2), "q").drainAll()).containsExactly(new MQueueItem("b", "2"),
                new MQueueItem("a", "3"));
    }

    @Test
    void keysAndValuesKeepEveryByteAndEmptyStrings() throws Exception {
        Sipmq a = node("modparam(\"mqueue\", \"mqueue\", \"name=q;backend=redis\")\n"
                + "modparam(\"mqueue\", \"mqueue\", \"name=k;addmode=2;backend=redis\")\n");
        List<MQueueItem> items = List.of(new MQueueItem("", ""), new MQueueItem("3:x", "é;ü\n:"),
                new MQueueItem("ключ", ""));
        for (MQueueItem i : items) {
            redis(a, "q").add(i.key(), i.value());
            redis(a, "k").add(i.key(), i.value());
        }
        awaitShipped(a);
        assertThat(redis(a, "q").drainAll()).containsExactlyElementsOf(items);
        assertThat(redis(a, "k").drainAll()).containsExactlyElementsOf(items);
    }

    @Test
    void whileRedisIsDownAddsBufferToTheBoundThenFailFastAndNothingIsLost() throws Exception {
        Sipmq a = node("modparam(\"mqueue\", \"redis_buffer\", 100)\n"
                + "modparam(\"mqueue\", \"mqueue\", \"name=acc;backend=redis\")\n");
        MQueues mq = queues(a);
        redis.stop();
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            codes.add(mq.mq_add("acc", "k" + i, "v"));
        }
        assertThat(codes.subList(0, 100)).containsOnly(1);
        assertThat(codes.subList(100, 150)).containsOnly(MQueues.MQ_ADD_BUFFER_FULL);
        assertThat(mq.queue("acc").offer("x", "y")).isFalse();
        assertThat(mq.mq_fetch("acc")).as("a fetch while Redis is down finds nothing, without an error")
                .isEqualTo(-2);
        MeterRegistry meters = a.injector().getInstance(MeterRegistry.class);
        assertThat(meters.get("mqueue.redis.failed.fast").tag("queue", "acc").functionCounter().count())
                .isEqualTo(51);
        assertThat(meters.get("mqueue.redis.buffered").tag("queue", "acc").gauge().value()).isEqualTo(100);

        redis.restart();
        awaitShipped(a);
        List<String> keys = new ArrayList<>();
        await("the 100 buffered items fetched after the restart", 30, () -> {
            if (mq.mq_fetch("acc") == 1) {
                keys.add(mq.mqk_get("acc"));
            }
            return keys.size() == 100;
        });
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("k" + i);
        }
        assertThat(keys).containsExactlyElementsOf(expected);
    }

    @Test
    void aRedisRestartInTheMiddleOfARunLosesNothingAndDuplicatesNothing() throws Exception {
        String def = "modparam(\"mqueue\", \"mqueue\", \"name=acc;backend=redis\")\n";
        List<Sipmq> apps = List.of(node(def), node(def));
        int perNode = 4000;
        CountDownLatch halfway = new CountDownLatch(apps.size());
        CountDownLatch restarted = new CountDownLatch(1);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < apps.size(); n++) {
            MQueues mq = queues(apps.get(n));
            String prefix = "n" + n + "-";
            threads.add(started(() -> {
                for (int i = 0; i < perNode; i++) {
                    assertThat(mq.mq_add("acc", prefix + i, "v")).isEqualTo(1);
                    if (i == perNode / 2) {
                        halfway.countDown();
                        awaitQuietly(restarted);
                    }
                    if (i % 100 == 0) {
                        sleepQuietly(2); // spread the adds over the outage
                    }
                }
            }));
            threads.add(started(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!done.get() && System.nanoTime() < deadline) {
                    if (mq.mq_fetch("acc") == 1) {
                        if (!seen.add(mq.mqk_get("acc"))) {
                            duplicates.incrementAndGet();
                        }
                    } else {
                        sleepQuietly(1);
                    }
                }
            }));
        }
        assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
        redis.stop();
        for (int i = 0; i < 200; i++) { // adds while Redis is down: buffered
            queues(apps.get(i % 2)).mq_add("acc", "down-" + i, "v");
        }
        assertThat(apps).anySatisfy(a -> assertThat(redis(a, "acc").buffered()).isPositive());
        redis.restart();
        restarted.countDown();
        int total = apps.size() * perNode + 200;
        await("every item fetched after the restart (of " + total + ")", 90, () -> seen.size() >= total,
                () -> seen.size() + " fetched; " + describe(apps));
        done.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(duplicates.get()).isZero();
        assertThat(seen).hasSize(total);
        assertThat(apps).allSatisfy(a -> assertThat(redis(a, "acc").failedFast()).isZero());
    }

    @Test
    void aGracefulStopShipsTheBufferAndPutsTheDrainsPrefetchBackAtTheHead() throws Exception {
        String def = "modparam(\"mqueue\", \"mqueue\", \"name=acc;backend=redis\")\n";
        Sipmq a = node("modparam(\"mqueue\", \"redis_fetch\", 16)\n" + def);
        Sipmq b = node(def);
        for (int i = 0; i < 10; i++) {
            queues(a).mq_add("acc", "k" + i, "v");
        }
        awaitShipped(a);
        Thread drain = started(() -> {
            for (int i = 0; i < 4; i++) { // a drain loop: refills of 1, 2, 4, 8 items (up to redis_fetch)
                assertThat(queues(a).mq_fetch("acc")).isEqualTo(1);
            }
        });
        drain.join(10_000);
        // Usually 3 (k4-k6) are taken from Redis and not handed out yet; fewer when the machine is slow.
        int prefetched = redis(a, "acc").prefetched();
        assertThat(redis(a, "acc").size()).isEqualTo(6 - prefetched);
        queues(a).mq_add("acc", "late", "v"); // still buffered or just shipped when the stop comes
        a.stop();
        List<String> keys = new ArrayList<>();
        redis(b, "acc").drainAll().forEach(i -> keys.add(i.key()));
        assertThat(keys).containsExactly("k4", "k5", "k6", "k7", "k8", "k9", "late");
    }

    @Test
    void aLoneFetchTakesOneItemAndLeavesNoneBehind() throws Exception {
        Sipmq a = node("modparam(\"mqueue\", \"mqueue\", \"name=acc;backend=redis\")\n");
        for (int i = 0; i < 5; i++) {
            queues(a).mq_add("acc", "k" + i, "v");
        }
        awaitShipped(a);
        assertThat(queues(a).mq_fetch("acc")).isEqualTo(1);
        assertThat(queues(a).mqk_get("acc")).isEqualTo("k0");
        assertThat(redis(a, "acc").prefetched()).isZero();
        assertThat(redis(a, "acc").size()).isEqualTo(4);
    }

    @Test
    void sizeAndMetricsShowTheSharedQueue() throws Exception {
        String def = "modparam(\"mqueue\", \"mqueue\", \"name=acc;backend=redis\")\n";
        Sipmq a = node(def);
        Sipmq b = node(def);
        for (int i = 0; i < 25; i++) {
            queues(a).mq_add("acc", "k" + i, "v");
        }
        awaitShipped(a);
        await("node b sees the 25 items node a added", 10, () -> queues(b).mq_size("acc") == 25);
        MeterRegistry meters = b.injector().getInstance(MeterRegistry.class);
        assertThat(meters.get("mqueue.size").tag("queue", "acc").gauge().value()).isEqualTo(25);
        MeterRegistry metersA = a.injector().getInstance(MeterRegistry.class);
        assertThat(metersA.get("mqueue.redis.shipped").tag("queue", "acc").functionCounter().count()).isEqualTo(25);
        assertThat(metersA.get("mqueue.adds").tag("queue", "acc").functionCounter().count()).isEqualTo(25);
    }

    @Test
    void unreachableRedisAtStartStopsStartUpNamingTheUrl() {
        int nothing = FreePorts.udpAndTcp();
        String url = "redis://:secret@127.0.0.1:" + nothing + "/0";
        assertThatThrownBy(() -> nodes.start(url, "modparam(\"mqueue\", \"mqueue\", \"name=acc;backend=redis\")\n"))
                .hasStackTraceContaining("cannot reach Redis at redis://***@127.0.0.1:" + nothing + "/0")
                .hasStackTraceContaining("backend=redis queues acc")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("secret"));
    }

    // --- helpers ---

    private interface ItemOf {
        MQueueItem item(int node, int i);
    }

    /** Each node adds {@code perNode} items from its own thread, all nodes at once. */
    private static void addConcurrently(List<Sipmq> apps, int perNode, ItemOf items) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int n = 0; n < apps.size(); n++) {
            int node = n;
            MQueues mq = queues(apps.get(n));
            threads.add(started(() -> {
                try {
                    go.await();
                    for (int i = 0; i < perNode; i++) {
                        MQueueItem it = items.item(node, i);
                        if (mq.queue("q").offer(it.key(), it.value()) != true) {
                            throw new AssertionError("add refused");
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(failures).isEmpty();
    }

    private static String describe(List<Sipmq> apps) {
        StringBuilder b = new StringBuilder();
        for (Sipmq a : apps) {
            RedisMQueue q = redis(a, "acc");
            b.append(q).append(' ').append(q.stats()).append(" shipped=").append(q.shipped()).append(" prefetched=")
                    .append(q.prefetched()).append("; ");
        }
        return b.toString();
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread started(Runnable r) {
        Thread t = new Thread(r, "test-" + r.hashCode());
        t.start();
        return t;
    }
}
