package org.sipmq.mqueue.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueues;
import org.sipmq.mqueue.internal.redis.RedisMQueue;
import org.sipmq.proxy.Sipmq;
import redis.clients.jedis.Jedis;

/**
 * What an {@code mq_add} costs the SIP thread: a local queue against a {@code backend=redis} queue, whose add only
 * puts the item in the buffer that the shipper thread sends to Redis. Each invocation is {@value #ADDS} adds through
 * {@code mq_add} (format strings without {@code $}); before each one the queue is emptied (local) or the buffer has
 * been shipped (Redis), so that every measured add is taken, none refused by a full buffer. The shipper runs during
 * the measurement, on the other core, as it would beside a SIP thread. Redis: {@code -Dsipmq.bench.redis=URL}
 * (default {@code redis://127.0.0.1:6379/0}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Threads(1)
@State(Scope.Thread)
public class RedisAddBench {
    static final int ADDS = 5000;

    @Param({"local", "redis"})
    public String backend;

    private Sipmq app;
    private MQueues mq;
    private MQueue queue;
    private final String[] keys = new String[ADDS];
    private Jedis redis;

    @Setup
    public void setUp() {
        String url = System.getProperty("sipmq.bench.redis", "redis://127.0.0.1:6379/0");
        String name = "bench-" + backend + "-" + ProcessHandle.current().pid();
        app = Sipmq.configure("bench.cfg", "modparam(\"mqueue\", \"redis_url\", \"" + url + "\")\n"
                + "modparam(\"mqueue\", \"mqueue\", \"name=" + name + ";backend=" + backend + "\")\n",
                new MQueueModule());
        app.start();
        mq = app.injector().getInstance(MQueues.class);
        queue = mq.queue(name);
        if (backend.equals("redis")) {
            redis = new Jedis(java.net.URI.create(url));
        }
        for (int i = 0; i < ADDS; i++) {
            keys[i] = BenchQueues.key(0, i);
        }
    }

    /** Not measured: the local queue emptied, or the Redis buffer shipped and the shared queue emptied. */
    @Setup(Level.Invocation)
    public void empty() throws InterruptedException {
        if (queue instanceof RedisMQueue r) {
            while (r.buffered() > 0) {
                Thread.sleep(0, 100_000);
            }
            if (r.size() > 50_000) { // keep the shared Redis small: drop what was shipped
                redis.del(RedisKeys.items(queue.name()));
            }
        } else {
            queue.drainAll();
        }
    }

    @TearDown
    public void tearDown() {
        app.stop();
        if (redis != null) {
            redis.del(RedisKeys.items(queue.name()), RedisKeys.shipped(queue.name()));
            redis.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ADDS)
    public int mqAdd() {
        String name = queue.name();
        int sum = 0;
        for (int i = 0; i < ADDS; i++) {
            sum += mq.mq_add(name, keys[i], "INVITE|sip:caller@127.0.0.1|sip:callee@127.0.0.1|1733275200000");
        }
        if (sum != ADDS) {
            throw new IllegalStateException("an add was refused: " + sum + " of " + ADDS);
        }
        return sum;
    }
}
