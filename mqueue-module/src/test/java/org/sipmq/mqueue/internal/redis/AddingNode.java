package org.sipmq.mqueue.internal.redis;

import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.Sipmq;

/**
 * A node in its own JVM for {@link KillNodeIT}: adds {@code acc} items {@code 0, 1, 2, ...} as fast as its shipper
 * takes them, and after each add that returned 1 writes the count into a memory-mapped file, which the kernel keeps
 * when the process is killed. Usage: {@code AddingNode <redis_url> <count file> <items> <per ms>}: at most
 * {@code per ms} adds a millisecond, 0 for as fast as the buffer lets it.
 */
public final class AddingNode {
    private AddingNode() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path countFile = Path.of(args[1]);
        int items = Integer.parseInt(args[2]);
        int perMilli = Integer.parseInt(args[3]);
        long start = System.nanoTime();
        Sipmq app = Sipmq.configure("adding-node.cfg", "modparam(\"mqueue\", \"redis_url\", \"" + url + "\")\n"
                + "modparam(\"mqueue\", \"mqueue\", \"name=acc;backend=redis\")\n", new MQueueModule());
        app.start();
        MQueues mq = app.injector().getInstance(MQueues.class);
        RedisMQueue q = (RedisMQueue) mq.queue("acc");
        try (RandomAccessFile f = new RandomAccessFile(countFile.toFile(), "rw");
                FileChannel ch = f.getChannel()) {
            MappedByteBuffer count = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8);
            System.out.println("adding");
            System.out.flush();
            int maxBuffered = 0;
            for (int i = 0; i < items; i++) {
                while (mq.mq_add("acc", Integer.toString(i), "v") != 1) {
                    Thread.onSpinWait(); // buffer full: wait for the shipper, so that the numbers stay contiguous
                }
                count.putLong(0, i + 1);
                if (perMilli > 0) {
                    while ((System.nanoTime() - start) / 1_000_000 < (i + 1L) / perMilli) {
                        Thread.onSpinWait();
                    }
                }
                if ((i & 1023) == 0) {
                    maxBuffered = Math.max(maxBuffered, q.buffered());
                    System.out.println("added " + (i + 1) + " buffered " + q.buffered() + " max " + maxBuffered);
                    System.out.flush();
                }
            }
            System.out.println("done");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
