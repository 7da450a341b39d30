package org.sipmq.mqueue.internal.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.Sipmq;

/**
 * Proxy nodes of the tests, in this JVM: each one an application with its own queues, engine, shipper and slots, all
 * on one Redis, as separate processes would be. Closing stops every node.
 */
final class RedisNodes implements AutoCloseable {
    private final List<Sipmq> apps = new ArrayList<>();

    /** Starts a node: {@code redis_url} and the given {@code modparam("mqueue", ...)} lines. */
    Sipmq start(String url, String lines) {
        Sipmq app = Sipmq.configure("node" + apps.size() + ".cfg",
                "modparam(\"mqueue\", \"redis_url\", \"" + url + "\")\n" + lines, new MQueueModule());
        apps.add(app);
        app.start();
        return app;
    }

    static MQueues queues(Sipmq app) {
        return app.injector().getInstance(MQueues.class);
    }

    static RedisMQueue redis(Sipmq app, String name) {
        MQueue q = queues(app).queue(name);
        return (RedisMQueue) q;
    }

    /** Waits, in steps of 10 ms for at most {@code seconds}, until {@code done}; fails saying {@code what}. */
    static void await(String what, long seconds, BooleanSupplier done) throws InterruptedException {
        await(what, seconds, done, () -> "");
    }

    /** As {@link #await(String, long, BooleanSupplier)}; the failure also says {@code state}. */
    static void await(String what, long seconds, BooleanSupplier done, java.util.function.Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + seconds + " s: " + what + " " + state.get());
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        apps.forEach(Sipmq::stop);
    }
}
