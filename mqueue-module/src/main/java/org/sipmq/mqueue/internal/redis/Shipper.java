package org.sipmq.mqueue.internal.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.sipmq.mqueue.MQueueItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The thread {@code mqueue-redis-shipper}: ships every Redis queue's buffered adds, one script call per queue and batch
 * (up to {@code redis_batch} items), all queues in one pipeline, and refreshes the queues' sizes every 100 ms. A batch
 * stays in memory until Redis acknowledges it; after a failure it is sent again with the same number, which the script
 * recognises, so a batch whose reply was lost is never applied twice. Failures back off (50 ms doubling to 2 s) and
 * reconnect; adds keep buffering meanwhile, up to {@code redis_buffer}. Catches everything: the loop never dies.
 */
final class Shipper {
    private static final Logger log = LoggerFactory.getLogger(Shipper.class);
    static final long REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final RedisEngine engine;
    private final List<RedisMQueue> queues;
    private final int batch;
    private final Thread thread;
    private final SampledLog errors = new SampledLog(log::warn);

    private volatile boolean sleeping;
    private volatile boolean stopping;
    private volatile long stopDeadline;
    private Jedis jedis;
    private long backoffNanos;
    private boolean down;

    Shipper(RedisEngine engine, List<RedisMQueue> queues, int batch) {
        this.engine = engine;
        this.queues = queues;
        this.batch = batch;
        this.thread = new Thread(this::run, "mqueue-redis-shipper");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void wake() {
        if (sleeping) {
            sleeping = false;
            LockSupport.unpark(thread);
        }
    }

    /** Ships what is left for up to {@code timeoutMillis}, then stops the thread; logs what could not be shipped. */
    void stopAndFlush(long timeoutMillis) {
        stopDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(timeoutMillis + 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (RedisMQueue q : queues) {
            int left = q.unshippedCount();
            if (left > 0) {
                log.error("mqueue '{}': {} items LOST at stop: Redis at {} did not take them within {} ms", q.name(),
                        left, engine.url(), timeoutMillis);
            }
        }
    }

    private void run() {
        long nextRefresh = System.nanoTime();
        while (true) {
            try {
                boolean work = false;
                for (RedisMQueue q : queues) {
                    work |= q.nextBatch(batch);
                }
                long now = System.nanoTime();
                if (stopping && (!work || now - stopDeadline > 0)) {
                    break;
                }
                boolean refresh = now - nextRefresh >= 0;
                if (!work && !refresh) {
                    idle(nextRefresh - now);
                    continue;
                }
                if (down && now - nextRefresh < 0) {
                    LockSupport.parkNanos(nextRefresh - now); // backing off, stopping or not
                    continue;
                }
                shipOnce(refresh);
                nextRefresh = System.nanoTime() + REFRESH_NANOS;
            } catch (JedisException | ClassCastException | IndexOutOfBoundsException e) {
                failed(e);
                nextRefresh = System.nanoTime() + backoffNanos;
            } catch (RuntimeException e) { // a bug: log it, the loop goes on
                log.error("mqueue-redis-shipper: unexpected failure", e);
                failed(e);
                nextRefresh = System.nanoTime() + backoffNanos;
            }
        }
        close();
    }

    private void idle(long nanos) {
        sleeping = true;
        for (RedisMQueue q : queues) {
            if (q.hasUnshipped() && !down) {
                sleeping = false;
                return;
            }
        }
        if (!stopping) {
            LockSupport.parkNanos(Math.max(nanos, 0));
        }
        sleeping = false;
    }

    private void shipOnce(boolean refresh) {
        if (jedis == null) {
            jedis = engine.connect();
            engine.scripts(Scripts.load(jedis)); // again: a restarted Redis has forgotten them
        }
        Scripts s = engine.scripts();
        Map<RedisMQueue, Response<Object>> sent = new HashMap<>();
        List<Response<Long>> sizes = new ArrayList<>();
        Pipeline p = jedis.pipelined();
        for (RedisMQueue q : queues) {
            if (q.pending != null) {
                sent.put(q, p.evalsha(s.add, q.keys, args(q)));
            }
        }
        if (refresh) {
            for (RedisMQueue q : queues) {
                sizes.add(q.definition().addmode() == 0 ? p.llen(q.keys.get(0)) : p.zcard(q.keys.get(0)));
            }
        }
        p.sync();
        for (Map.Entry<RedisMQueue, Response<Object>> e : sent.entrySet()) {
            e.getKey().acknowledged((List<?>) e.getValue().get());
        }
        for (int i = 0; i < sizes.size(); i++) {
            queues.get(i).sizeSeen(sizes.get(i).get());
        }
        if (down) {
            log.info("mqueue-redis: Redis at {} answers again; shipping resumes", engine.url());
        }
        down = false;
        backoffNanos = 0;
    }

    private List<byte[]> args(RedisMQueue q) {
        List<byte[]> args = new ArrayList<>(4 + 2 * q.pending.size());
        args.add(Scripts.bytes(Integer.toString(q.definition().addmode())));
        args.add(Scripts.bytes(Integer.toString(q.definition().size())));
        args.add(Scripts.bytes(engine.node()));
        args.add(Scripts.bytes(Long.toString(q.pendingBatch)));
        for (MQueueItem item : q.pending) {
            MqItemBytes.add(args, item);
        }
        return args;
    }

    private void failed(Exception e) {
        close();
        backoffNanos = Math.min(RedisEngine.MAX_BACKOFF_NANOS,
                Math.max(TimeUnit.MILLISECONDS.toNanos(50), backoffNanos * 2));
        down = true;
        int unshipped = 0;
        for (RedisMQueue q : queues) {
            unshipped += q.unshippedCount();
        }
        int left = unshipped;
        errors.offer(more -> "mqueue-redis: shipping to Redis at " + engine.url() + " failed: "
                + RedisEngine.rootMessage(e) + "; " + left + " items buffered, retrying in "
                + TimeUnit.NANOSECONDS.toMillis(backoffNanos) + " ms (" + more + " more failures not logged)");
    }

    private void close() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // the connection is broken anyway
            }
            jedis = null;
        }
    }
}
