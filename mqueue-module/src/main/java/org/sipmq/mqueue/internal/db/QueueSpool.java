package org.sipmq.mqueue.internal.db;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sipmq.mqueue.MQueueItem;

/**
 * The local spool of persisted queues: what a graceful stop could not save into a queue's table (the database was
 * unreachable, or a row was refused) goes to {@code <dir>/<queue>.spool}, and the next start loads that file into the
 * queue before the table, then deletes it. Kamailio loses those items.
 *
 * <p>
 * A file is written whole to {@code <queue>.spool.tmp}, forced to disk and renamed over the old one, so a crash while
 * writing leaves the previous file (or none), never half of one. The format is binary (keys and values may hold any
 * character, newlines included): a header line, then for each item the UTF-8 byte length and bytes of the key and of
 * the value, then an end mark; a file that does not end with the mark is refused, naming it, rather than loaded in part.
 */
final class QueueSpool {
    private static final byte[] MAGIC = "sipmq mqueue spool 1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int END = -1;

    private final Path dir;

    QueueSpool(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** The directory of the spool files. */
    Path dir() {
        return dir;
    }

    /** The file of one queue (a persisted queue's name is a safe table name, so a safe file name too). */
    Path file(String queue) {
        return dir.resolve(TableNames.checked(queue) + ".spool");
    }

    /**
     * Appends {@code items} to the queue's spool file (after the items already spooled, if any), durably.
     *
     * @throws IOException naming the file
     */
    void append(String queue, List<MQueueItem> items) throws IOException {
        List<MQueueItem> all = new ArrayList<>(read(queue));
        all.addAll(items);
        Files.createDirectories(dir);
        Path file = file(queue);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream raw = Channels.newOutputStream(ch);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
            out.write(MAGIC);
            for (MQueueItem item : all) {
                writeString(out, item.key());
                writeString(out, item.value());
            }
            out.writeInt(END);
            out.flush();
            ch.force(true);
        } catch (IOException e) {
            throw new IOException("cannot write the mqueue spool file " + tmp + ": " + e.getMessage(), e);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The items spooled for a queue, oldest first; empty when it has no file.
     *
     * @throws IOException naming the file, when it is unreadable or not a whole spool file
     */
    List<MQueueItem> read(String queue) throws IOException {
        Path file = file(queue);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<MQueueItem> items = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not an mqueue spool file (expected: a file written by sipmq's QueueSpool)");
            }
            while (true) {
                String key = readString(in);
                if (key == null) {
                    break;
                }
                String value = readString(in);
                if (value == null) {
                    throw new IOException("an item's value is missing after " + items.size() + " items");
                }
                items.add(new MQueueItem(key, value));
            }
        } catch (EOFException e) {
            throw new IOException("mqueue spool file " + file + " is cut short after " + items.size()
                    + " items (expected: its end mark); it was not loaded, fix or remove it", e);
        } catch (IOException e) {
            throw new IOException("cannot read the mqueue spool file " + file + ": " + e.getMessage(), e);
        }
        return items;
    }

    /** Deletes the queue's spool file, once its items are queued again and the start has committed. */
    void delete(String queue) throws IOException {
        Files.deleteIfExists(file(queue));
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /** The next string, or null at the end mark. */
    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == END) {
            return null;
        }
        if (n < 0) {
            throw new IOException("a length of " + n + " (expected: >= 0)");
        }
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException();
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
