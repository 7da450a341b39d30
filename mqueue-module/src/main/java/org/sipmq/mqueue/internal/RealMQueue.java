package org.sipmq.mqueue.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueueItemTooLargeException;
import org.sipmq.mqueue.MQueueStats;

/**
 * One queue. Addmode 0 is an {@link ArrayDeque}; addmodes 1 and 2 an insertion-ordered {@link LinkedHashMap} from key
 * to item, so that de-duplication, replacement (remove + append moves the key to the tail), eviction of the oldest and
 * fetch are all O(1) where Kamailio scans the queue. One lock per queue guards only the structure and the counters;
 * items and their timestamps are made before taking it.
 */
final class RealMQueue extends EngineQueue {
    private final MQueueDefinition definition;
    private final LongSupplier nanoClock;
    private final int limit;
    private final boolean keepOldest;
    private final ArrayDeque<Node> fifo;
    private final LinkedHashMap<String, Node> keyed;
    private final Object lock = new Object();

    /** Written under the lock, read without it so that {@code mq_size} never waits. */
    private volatile int count;
    private long adds;
    private long evictions;
    private long duplicatesIgnored;
    private long replaced;
    private long fetches;
    private long refused;
    /** The longest key and value the queue's table stores, in characters; unlimited until persistence sets them. */
    private volatile int maxKeyChars = Integer.MAX_VALUE;
    private volatile int maxValueChars = Integer.MAX_VALUE;

    RealMQueue(MQueueDefinition definition, int index, LongSupplier nanoClock) {
        super(index);
        this.definition = Objects.requireNonNull(definition, "definition");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.limit = definition.size() == 0 ? Integer.MAX_VALUE : definition.size();
        this.keepOldest = definition.addmode() == 1;
        this.fifo = definition.addmode() == 0 ? new ArrayDeque<>() : null;
        this.keyed = definition.addmode() == 0 ? null : new LinkedHashMap<>();
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public MQueueDefinition definition() {
        return definition;
    }

    @Override
    public void add(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        checkFits(key, value);
        Node node = new Node(key, value, nanoClock.getAsLong());
        synchronized (lock) {
            adds++;
            int n;
            if (fifo != null) {
                fifo.addLast(node);
                n = fifo.size();
            } else if (keepOldest) {
                if (keyed.putIfAbsent(key, node) != null) {
                    duplicatesIgnored++;
                    return;
                }
                n = keyed.size();
            } else {
                if (keyed.remove(key) != null) {
                    // Same count as before: a replacement never evicts.
                    keyed.put(key, node);
                    replaced++;
                    return;
                }
                keyed.put(key, node);
                n = keyed.size();
            }
            if (n > limit) {
                removeOldest();
                evictions++;
                n--;
            }
            count = n;
        }
    }

    /** Refuses an item that the queue's table could not store at stop (only a persisted queue has a limit). */
    private void checkFits(String key, String value) {
        boolean keyFits = fits(key, maxKeyChars);
        if (keyFits && fits(value, maxValueChars)) {
            return;
        }
        synchronized (lock) {
            refused++;
        }
        String what = keyFits ? "value" : "key";
        String text = keyFits ? value : key;
        throw new MQueueItemTooLargeException("mqueue '" + name() + "': " + what + " of "
                + text.codePointCount(0, text.length()) + " characters refused (expected: at most "
                + (keyFits ? maxValueChars : maxKeyChars) + ", the size of the " + (keyFits ? "val" : "key")
                + " column of table " + name() + ")");
    }

    /** VARCHAR(n) counts characters; a Java string's length (UTF-16 units) is never smaller than its count. */
    private static boolean fits(String s, int max) {
        return s.length() <= max || s.codePointCount(0, s.length()) <= max;
    }

    /**
     * Sets the longest key and value this queue accepts, in characters: its table's column sizes, so that an item that
     * could not be saved at stop is refused when added instead of lost then.
     */
    void limitItems(int maxKeyChars, int maxValueChars) {
        if (maxKeyChars < 0 || maxValueChars < 0) {
            throw new IllegalArgumentException("mqueue '" + name() + "': item limits " + maxKeyChars + "/"
                    + maxValueChars + " (expected: >= 0)");
        }
        this.maxKeyChars = maxKeyChars;
        this.maxValueChars = maxValueChars;
    }

    /** Takes the oldest item, or null when empty. */
    @Override
    public Node take() {
        synchronized (lock) {
            if (count == 0) {
                return null;
            }
            fetches++;
            count--;
            return removeOldest();
        }
    }

    private Node removeOldest() {
        if (fifo != null) {
            return fifo.pollFirst();
        }
        Iterator<Node> it = keyed.values().iterator();
        Node oldest = it.next();
        it.remove();
        return oldest;
    }

    @Override
    public List<MQueueItem> drainAll() {
        List<MQueueItem> out;
        synchronized (lock) {
            out = new ArrayList<>(count);
            Iterator<Node> it = fifo != null ? fifo.iterator() : keyed.values().iterator();
            while (it.hasNext()) {
                out.add(it.next().toItem());
            }
            if (fifo != null) {
                fifo.clear();
            } else {
                keyed.clear();
            }
            fetches += out.size();
            count = 0;
        }
        return out;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public MQueueStats stats() {
        long now = nanoClock.getAsLong();
        synchronized (lock) {
            long age = 0;
            if (count > 0) {
                Node oldest = fifo != null ? fifo.peekFirst() : keyed.values().iterator().next();
                age = Math.max(0, now - oldest.enqueuedNanos);
            }
            return new MQueueStats(adds, evictions, duplicatesIgnored, replaced, fetches, age, refused);
        }
    }

    @Override
    public String toString() {
        return "mqueue '" + name() + "' (" + count + " items)";
    }
}
