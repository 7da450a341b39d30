package org.sipmq.mqueue.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipmq.mqueue.internal.redis.RedisNodes.await;
import static org.sipmq.mqueue.internal.redis.RedisNodes.queues;
import static org.sipmq.mqueue.internal.redis.RedisNodes.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.testing.RedisServer;
import redis.clients.jedis.Jedis;

/**
 * Two nodes on the machine's Redis at 127.0.0.1:6379 (started by {@code bash .ci/run}), the way an operator runs
 * them: a queue of a name of its own, so that nothing else on that Redis is touched, deleted afterwards. The tests that
 * stop and restart Redis use one of their own ({@link RedisMQueueIT}).
 */
class SharedRedisIT {
    private static final String URL = "redis://127.0.0.1:6379/0";
    private final String queue = "it-" + UUID.randomUUID();
    private final RedisNodes nodes = new RedisNodes();

    @AfterEach
    void cleanUp() {
        nodes.close();
        try (Jedis j = new Jedis("127.0.0.1", 6379)) {
            j.del(RedisEngine.PREFIX + queue, RedisEngine.PREFIX + queue + ":shipped");
        }
    }

    @Test
    void anItemAddedOnOneNodeIsFetchedOnceOnAnother() throws Exception {
        RedisServer.requireReachable("127.0.0.1", 6379);
        String def = "modparam(\"mqueue\", \"mqueue\", \"name=" + queue + ";backend=redis\")\n";
        Sipmq a = nodes.start(URL, def);
        Sipmq b = nodes.start(URL, def);
        for (int i = 0; i < 100; i++) {
            assertThat(queues(a).mq_add(queue, "k" + i, "v" + i)).isEqualTo(1);
        }
        await("node a shipped its adds", 30, () -> redis(a, queue).buffered() == 0);
        MQueues mq = queues(b);
        List<String> got = new ArrayList<>();
        while (mq.mq_fetch(queue) == 1 && got.size() < 200) {
            got.add(mq.mqk_get(queue) + "=" + mq.mqv_get(queue));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("k" + i + "=v" + i);
        }
        assertThat(got).containsExactlyElementsOf(expected);
        assertThat(queues(a).mq_fetch(queue)).isEqualTo(-2);
    }
}
