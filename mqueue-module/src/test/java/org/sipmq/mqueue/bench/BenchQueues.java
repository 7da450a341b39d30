package org.sipmq.mqueue.bench;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueConfig;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueues;
import org.sipmq.mqueue.internal.QueuesModule;

/** The queues under measurement behind one tiny interface, so that every benchmark runs each the same way. */
interface BenchQueues {
    /** Adds one item. */
    void add(String key, String value);

    /** Takes one item; null when empty. */
    Object take();

    /**
     * {@code addmode0..2}: our queue through the idiomatic API; {@code addmode0-noclock}: addmode 0 with a clock that
     * costs nothing, to show the price of the per-item timestamp ({@code System.nanoTime()}); {@code kemi-addmode2}: the same through
     * {@code mq_add}/{@code mq_fetch} (thread slot, format fast path); the JDK baselines hold {@link MQueueItem}s.
     */
    static BenchQueues of(String impl, int capacity) {
        return switch (impl) {
            case "addmode0" -> ours(0);
            case "addmode0-noclock" -> ours(QueuesModule.create(MQueueConfig.of(new MQueueDefinition("q", 0, 0, 0)),
                    Map.of(), () -> 0L).queue("q"));
            case "addmode1" -> ours(1);
            case "addmode2" -> ours(2);
            case "kemi-addmode2" -> {
                MQueues mq = MQueueModule.queues(MQueueConfig.of(new MQueueDefinition("q", 0, 2, 0)));
                yield new BenchQueues() {
                    @Override
                    public void add(String key, String value) {
                        mq.mq_add("q", key, value);
                    }

                    @Override
                    public Object take() {
                        return mq.mq_fetch("q") == 1 ? mq.mqk_get("q") : null;
                    }
                };
            }
            case "LinkedHashMap" -> {
                // The bare JDK structure our addmodes 1/2 use, without lock, timestamp or item object.
                LinkedHashMap<String, String> map = new LinkedHashMap<>();
                yield new BenchQueues() {
                    @Override
                    public void add(String key, String value) {
                        map.remove(key);
                        map.put(key, value);
                    }

                    @Override
                    public Object take() {
                        Iterator<Map.Entry<String, String>> it = map.entrySet().iterator();
                        if (!it.hasNext()) {
                            return null;
                        }
                        Map.Entry<String, String> e = it.next();
                        it.remove();
                        return e;
                    }
                };
            }
            case "ArrayBlockingQueue" -> jdk(new ArrayBlockingQueue<>(capacity));
            case "ConcurrentLinkedQueue" -> jdk(new ConcurrentLinkedQueue<>());
            default -> throw new IllegalArgumentException("impl: " + impl);
        };
    }

    private static BenchQueues ours(int addmode) {
        return ours(MQueueModule.queues(MQueueConfig.of(new MQueueDefinition("q", 0, addmode, 0))).queue("q"));
    }

    private static BenchQueues ours(MQueue q) {
        return new BenchQueues() {
            @Override
            public void add(String key, String value) {
                q.add(key, value);
            }

            @Override
            public Object take() {
                return q.poll().orElse(null);
            }
        };
    }

    private static BenchQueues jdk(java.util.Queue<MQueueItem> q) {
        return new BenchQueues() {
            @Override
            public void add(String key, String value) {
                q.offer(new MQueueItem(key, value));
            }

            @Override
            public Object take() {
                return q.poll();
            }
        };
    }

    /** A key of exactly 32 ASCII characters, unique per (prefix, i). */
    static String key(int prefix, int i) {
        String s = "k" + prefix + "-" + i + "-";
        return s + "x".repeat(32 - s.length());
    }

    /** A value of exactly 200 ASCII characters, unique per i. */
    static String value(int i) {
        String s = "v" + i + ";";
        return s + "y".repeat(200 - s.length());
    }

}
