package org.sipmq.mqueue.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmq.mqueue.RedisSettings;
import org.sipmq.proxy.testing.RedisServer;
import redis.clients.jedis.Jedis;

/**
 * What a {@code kill -9} of a node loses: a node in its own JVM ({@link AddingNode}) adds numbered items as fast as
 * it can and is killed with SIGKILL in the middle; the numbers whose add had returned are known exactly (a
 * memory-mapped counter the kernel keeps), and Redis is read directly. Redis must hold exactly the items 0..M-1, each
 * once (nothing in the middle lost, nothing twice), and the items lost, added - M, are at most the node's unshipped
 * buffer ({@code redis_buffer}). Once with adds as fast as the buffer takes them (the worst case: the buffer is
 * full), once at 20 adds a millisecond (a heavy SIP load on one node).
 */
class KillNodeIT {
    private static final int ITEMS = 2_000_000;

    @TempDir
    Path dir;

    @Test
    void aKilledNodeAddingFlatOutLosesAtMostItsFullBufferAndNothingElse() throws Exception {
        killWhileAdding(0);
    }

    @Test
    void aKilledNodeAddingTwentyAMillisecondLosesAtMostItsUnshippedBuffer() throws Exception {
        killWhileAdding(20);
    }

    private void killWhileAdding(int perMilli) throws Exception {
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
            Path count = dir.resolve("count");
            try (RandomAccessFile f = new RandomAccessFile(count.toFile(), "rw")) {
                f.setLength(8);
            }
            Path out = dir.resolve("node.log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process node = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    AddingNode.class.getName(), redis.url(), count.toString(), Integer.toString(ITEMS),
                    Integer.toString(perMilli))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (countOf(count) < 50_000) {
                    assertThat(node.isAlive()).as("the node runs; its log:\n%s", log(out)).isTrue();
                    assertThat(System.nanoTime() < deadline).as("the node added 50000 items within 60 s; log:\n%s",
                            log(out)).isTrue();
                    Thread.sleep(5);
                }
                node.destroyForcibly(); // SIGKILL
                assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                node.destroyForcibly();
            }
            long added = countOf(count);
            List<String> inRedis = new ArrayList<>();
            try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
                for (byte[] e : j.lrange("sipmq:mqueue:acc".getBytes(StandardCharsets.UTF_8), 0, -1)) {
                    String s = new String(e, StandardCharsets.UTF_8);
                    int c = s.indexOf(':');
                    inRedis.add(s.substring(c + 1, c + 1 + Integer.parseInt(s.substring(0, c))));
                }
            }
            assertThat(added).as("the kill came before the node had added everything").isLessThan(ITEMS);
            for (int i = 0; i < inRedis.size(); i++) {
                if (!inRedis.get(i).equals(Integer.toString(i))) {
                    throw new AssertionError("item " + i + " of Redis is '" + inRedis.get(i)
                            + "' (expected: the items 0..M-1 in order, nothing in the middle lost or twice)");
                }
            }
            long lost = added - inRedis.size();
            System.out.println("KillNodeIT (" + (perMilli == 0 ? "flat out" : perMilli + " adds/ms") + "): added "
                    + added + " items before SIGKILL, Redis holds " + inRedis.size()
                    + ": lost " + lost + " (the unshipped buffer); the node's log said: " + lastLine(out));
            assertThat(lost).as("items lost by the kill").isBetween(0L, (long) RedisSettings.NONE.buffer());
        }
    }

    private static long countOf(Path file) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            return f.readLong();
        }
    }

    private static String log(Path out) throws Exception {
        return Files.exists(out) ? Files.readString(out) : "";
    }

    private static String lastLine(Path out) throws Exception {
        List<String> lines = Files.readAllLines(out).stream().filter(l -> l.startsWith("added")).toList();
        return lines.isEmpty() ? "(nothing)" : lines.get(lines.size() - 1);
    }
}
