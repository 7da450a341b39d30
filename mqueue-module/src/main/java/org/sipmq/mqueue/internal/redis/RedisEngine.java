package org.sipmq.mqueue.internal.redis;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.sipmq.mqueue.MQueueConfig;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.RedisSettings;
import org.sipmq.mqueue.internal.EngineQueue;
import org.sipmq.mqueue.internal.Node;
import org.sipmq.mqueue.internal.SharedQueueFactory;
import org.sipmq.proxy.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The {@code backend=redis} queues of this node (docs/scale-out.md), phase {@link Service.Phase#QUEUE_STATE}: start
 * checks that Redis answers at {@code redis_url} (start-up stops with an error naming the URL when it does not), loads
 * the scripts and starts the {@link Shipper} thread; stop, after the SIP transport and the timers have stopped, ships
 * what is buffered (for up to {@link #STOP_TIMEOUT_MILLIS}), puts the drains' unused prefetch back at the head of each
 * queue and closes the connections. Only background threads touch Redis: the shipper, and the drains' fetches.
 */
@Singleton
public final class RedisEngine implements Service, SharedQueueFactory {
    static final String PREFIX = "sipmq:mqueue:";
    static final int TIMEOUT_MILLIS = 1000;
    static final long STOP_TIMEOUT_MILLIS = 5000;
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final Logger log = LoggerFactory.getLogger(RedisEngine.class);

    private final RedisSettings settings;
    private final RedisUrl url;
    private final String node = UUID.randomUUID().toString();
    private final List<RedisMQueue> queues = new CopyOnWriteArrayList<>();
    private final JedisClientConfig clientConfig;
    private final SampledLog fetchErrors = new SampledLog(log::warn);
    private final AtomicLong fetchBackoffNanos = new AtomicLong();
    private final AtomicLong fetchDownUntil = new AtomicLong(System.nanoTime());

    /** Idle connections of the drains' fetches: one per drain thread at most, in practice. */
    private final Queue<Jedis> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean started;
    private volatile Scripts scripts;
    private volatile Shipper shipper;
    private boolean stopped;

    @Inject
    public RedisEngine(MQueueConfig config) {
        this.settings = config.redis();
        this.url = RedisUrl.parse(settings.url());
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().connectionTimeoutMillis(TIMEOUT_MILLIS)
                .socketTimeoutMillis(TIMEOUT_MILLIS).database(url.database())
                .protocol(RedisProtocol.RESP2) // the scripts' replies are read as RESP2 arrays
                .clientName("sipmq-" + node.substring(0, 8));
        if (url.password() != null) {
            b.password(url.password());
        }
        if (url.user() != null) {
            b.user(url.user());
        }
        this.clientConfig = b.build();
    }

    @Override
    public EngineQueue create(MQueueDefinition definition, int index) {
        RedisMQueue q = new RedisMQueue(definition, index, this, PREFIX, settings.buffer());
        queues.add(q);
        return q;
    }

    @Override
    public String name() {
        return "mqueue-redis";
    }

    @Override
    public Phase phase() {
        return Phase.QUEUE_STATE;
    }

    @Override
    public synchronized void start() {
        if (started || stopped) {
            throw new IllegalStateException("mqueue-redis already started");
        }
        try (Jedis probe = connect()) {
            probe.ping();
            scripts = Scripts.load(probe);
        } catch (JedisException e) {
            throw new IllegalStateException(
                    "mqueue: cannot reach Redis at " + url + " (modparam(\"mqueue\", \"redis_url\"))"
                            + " for the backend=redis queues " + names() + ": " + rootMessage(e)
                            + " (expected: a Redis server answering there; see docs/scale-out.md)",
                    e);
        }
        started = true;
        shipper = new Shipper(this, queues, settings.batch());
        shipper.start();
        log.info("mqueue-redis: node {} uses Redis at {} for queues {} (redis_buffer={}, redis_batch={},"
                + " redis_fetch={})", node, url, names(), settings.buffer(), settings.batch(), settings.fetch());
    }

    @Override
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (shipper != null) {
            shipper.stopAndFlush(STOP_TIMEOUT_MILLIS);
        }
        if (started) {
            putBackPrefetched();
            Jedis j;
            while ((j = idle.poll()) != null) {
                closeQuietly(j);
            }
        }
    }

    /** A new connection with this node's settings; the caller closes it. */
    Jedis connect() {
        return new Jedis(new HostAndPort(url.host(), url.port()), clientConfig);
    }

    String node() {
        return node;
    }

    RedisUrl url() {
        return url;
    }

    Scripts scripts() {
        return scripts;
    }

    void scripts(Scripts reloaded) {
        scripts = reloaded;
    }

    /** Wakes the shipper after an add; costs a volatile read unless it sleeps. */
    void wake() {
        Shipper s = shipper;
        if (s != null) {
            s.wake();
        }
    }

    private final SampledLog refusals = new SampledLog(log::warn);

    void refused(RedisMQueue q) {
        refusals.offer(more -> "mqueue '" + q.name() + "': add refused, " + q.buffered() + " items not yet shipped to"
                + " Redis at " + url + " fill redis_buffer=" + settings.buffer() + " (" + q.failedFast()
                + " refused so far; " + more + " more refusals not logged)");
    }

    /**
     * Refills {@code into} with up to {@code redis_fetch} items of {@code q} in one round trip (fewer at the start of
     * a fetch loop, see {@link RedisMQueue.Prefetch}); false when none was taken. While Redis is unreachable it backs off (50 ms doubling to 2 s) and answers false without I/O.
     */
    boolean fetch(RedisMQueue q, RedisMQueue.Prefetch into) {
        if (!started || stopped || System.nanoTime() - fetchDownUntil.get() < 0) {
            return false;
        }
        List<byte[]> args = List.of(Scripts.bytes(Integer.toString(q.definition().addmode())),
                Scripts.bytes(Integer.toString(into.nextRefill(settings.fetch()))),
                Scripts.bytes(Long.toString(++into.popCalls)), Scripts.bytes(Long.toString(into.popAnswered)));
        Jedis j = idle.poll();
        try {
            if (j == null) {
                j = connect();
            }
            Object reply;
            try {
                reply = j.evalsha(scripts.pop, into.popKeys, args);
            } catch (JedisNoScriptException restarted) {
                scripts = Scripts.load(j);
                reply = j.evalsha(scripts.pop, into.popKeys, args);
            }
            fetchBackoffNanos.set(0);
            List<?> out = (List<?>) reply;
            into.popAnswered = RedisMQueue.toLong(out.get(out.size() - 1));
            int pairs = (out.size() - 2) / 2;
            for (int i = 0; i < pairs; i++) {
                into.add(new Node(string(out.get(2 * i)), string(out.get(2 * i + 1)), 0));
            }
            q.sizeSeen(RedisMQueue.toLong(out.get(out.size() - 2)));
            idle.add(j);
            return pairs > 0;
        } catch (JedisException e) {
            closeQuietly(j);
            long backoff = Math.min(MAX_BACKOFF_NANOS,
                    Math.max(TimeUnit.MILLISECONDS.toNanos(50), fetchBackoffNanos.get() * 2));
            fetchBackoffNanos.set(backoff);
            fetchDownUntil.set(System.nanoTime() + backoff);
            fetchErrors.offer(more -> "mqueue '" + q.name() + "': fetch from Redis at " + url + " failed: "
                    + rootMessage(e) + "; drains back off " + TimeUnit.NANOSECONDS.toMillis(backoff) + " ms ("
                    + more + " more failures not logged)");
            return false;
        } catch (RuntimeException e) { // a bug (an unexpected reply): the drain's timer logs it
            closeQuietly(j);
            throw e;
        }
    }

    private void putBackPrefetched() {
        for (RedisMQueue q : queues) {
            List<Node> items = q.takePrefetched();
            if (items.isEmpty()) {
                deleteInflight(q);
                continue;
            }
            List<byte[]> args = new ArrayList<>(2 + 2 * items.size());
            args.add(Scripts.bytes(Integer.toString(q.definition().addmode())));
            args.add(Scripts.bytes(Integer.toString(q.definition().size())));
            for (Node n : items) {
                MqItemBytes.add(args, n.toItem());
            }
            try (Jedis j = connect()) {
                List<?> r = (List<?>) j.eval(Scripts.bytes(Scripts.PUT_BACK), q.keys, args);
                j.del(q.inflightKeys().toArray(byte[][]::new));
                log.info("mqueue '{}': {} prefetched items put back at the head in Redis ({} dropped: key queued"
                        + " meanwhile, or size limit)", q.name(), r.get(1), r.get(2));
            } catch (JedisException e) {
                log.error("mqueue '{}': {} prefetched items LOST: Redis at {} is unreachable: {}", q.name(),
                        items.size(), url, rootMessage(e));
            }
        }
    }

    /** At a graceful stop every item a drain took was handed out or put back: the inflight copies can go. */
    private void deleteInflight(RedisMQueue q) {
        List<byte[]> keys = q.inflightKeys();
        if (keys.isEmpty()) {
            return;
        }
        try (Jedis j = connect()) {
            j.del(keys.toArray(byte[][]::new));
        } catch (JedisException e) {
            log.warn("mqueue '{}': could not delete the drains' inflight keys in Redis at {} (they expire in a day):"
                    + " {}", q.name(), url, rootMessage(e));
        }
    }

    private static void closeQuietly(Jedis j) {
        if (j != null) {
            try {
                j.close();
            } catch (RuntimeException ignored) {
                // broken anyway
            }
        }
    }

    private String names() {
        List<String> n = new ArrayList<>();
        queues.forEach(q -> n.add(q.name()));
        return String.join(", ", n);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t.getMessage();
    }

    static String string(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    /** Parks the caller for up to {@code nanos}; returns early when interrupted (the flag stays set). */
    static void pause(long nanos) {
        LockSupport.parkNanos(nanos);
    }
}
