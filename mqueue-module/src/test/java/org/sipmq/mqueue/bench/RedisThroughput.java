package org.sipmq.mqueue.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.Sipmq;
import redis.clients.jedis.Jedis;

/**
 * Items a second through one shared {@code backend=redis} queue, with 1 or more nodes in this JVM (each with its own
 * engine, shipper and connections, as separate proxies would have): every node has one producer adding as fast as
 * its buffer takes items (and pauses while Redis holds more than {@value #BACKLOG}), and {@code --drains} drain
 * threads fetching with {@code mq_fetch}. After a warm-up, counts the items added and fetched (by all nodes) during the
 * measurement: items/s through Redis is the fetched rate.
 *
 * <pre>
 * java -cp ... org.sipmq.mqueue.bench.RedisThroughput [--url redis://127.0.0.1:6379/0] [--nodes 3] [--drains 2]
 *      [--seconds 5] [--warmup 2] [--fetch 16] [--batch 256]
 * </pre>
 */
public final class RedisThroughput {
    /** Producers wait while the shared queue holds more than this, so that Redis never holds much. */
    static final int BACKLOG = 50_000;

    private RedisThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String url = "redis://127.0.0.1:6379/0";
        int nodes = 1;
        int drains = 2;
        int seconds = 5;
        int warmup = 2;
        int fetch = 16;
        int batch = 256;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
                case "--drains" -> drains = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--fetch" -> fetch = Integer.parseInt(args[i + 1]);
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String queue = "throughput-" + ProcessHandle.current().pid();
        List<Sipmq> apps = new ArrayList<>();
        LongAdder added = new LongAdder();
        LongAdder fetched = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            Sipmq app = Sipmq.configure("node" + n + ".cfg", "modparam(\"mqueue\", \"redis_url\", \"" + url + "\")\n"
                    + "modparam(\"mqueue\", \"redis_fetch\", " + fetch + ")\n"
                    + "modparam(\"mqueue\", \"redis_batch\", " + batch + ")\n"
                    + "modparam(\"mqueue\", \"mqueue\", \"name=" + queue + ";backend=redis\")\n", new MQueueModule());
            app.start();
            apps.add(app);
            MQueues mq = app.injector().getInstance(MQueues.class);
            String prefix = "n" + n + "-";
            MQueue q = mq.queue(queue);
            threads.add(thread("producer-" + n, () -> {
                long i = 0;
                while (!stop.get()) {
                    if (q.size() > BACKLOG) {
                        sleep(1); // the drains are the limit: keep the shared Redis small
                        continue;
                    }
                    if (mq.mq_add(queue, prefix + i, "INVITE|sip:caller@127.0.0.1|sip:callee@127.0.0.1|1") == 1) {
                        i++;
                        added.increment();
                    } else {
                        Thread.onSpinWait(); // buffer full: the shipper is the limit
                    }
                }
            }));
            for (int d = 0; d < drains; d++) {
                threads.add(thread("drain-" + n + "-" + d, () -> {
                    while (!stop.get()) {
                        if (mq.mq_fetch(queue) == 1) {
                            fetched.increment();
                        } else {
                            sleep(1); // a timer drain would wait for its next run
                        }
                    }
                }));
            }
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        long a0 = added.sum();
        long f0 = fetched.sum();
        long t0 = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long a1 = added.sum();
        long f1 = fetched.sum();
        double s = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
        apps.forEach(Sipmq::stop);
        try (Jedis j = new Jedis(URI.create(url))) {
            j.del("sipmq:mqueue:" + queue, "sipmq:mqueue:" + queue + ":shipped");
        }
        System.out.printf("nodes=%d drains/node=%d redis_fetch=%d redis_batch=%d: added %.0f items/s, fetched %.0f"
                + " items/s (%.1f s measured after %d s warm-up)%n", nodes, drains, fetch, batch, (a1 - a0) / s,
                (f1 - f0) / s, s, warmup);
    }

    private static Thread thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
