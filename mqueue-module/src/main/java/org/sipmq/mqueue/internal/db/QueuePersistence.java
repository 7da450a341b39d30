package org.sipmq.mqueue.internal.db;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kamailio's dbmode (spec §4), phase {@link Service.Phase#QUEUE_STATE}: after the database and before the timers and
 * the SIP transport. Start loads the dbmode 1 and 2 queues from their tables (then deletes the loaded rows) and checks
 * that the dbmode 3 tables exist. Stop, which runs after the transport and the timers have stopped, saves the dbmode 1
 * and 3 queues in FIFO order.
 *
 * <p>
 * A start that failed saves nothing at stop: every table was left as it was (the load is one transaction), so saving
 * what had been loaded would duplicate rows.
 */
@Singleton
public final class QueuePersistence implements Service {
    private static final Logger log = LoggerFactory.getLogger(QueuePersistence.class);

    private enum State {
        NEW, STARTED, FAILED, STOPPED
    }

    private final QueueDatabase database;
    private final MQueues queues;
    private State state = State.NEW;
    private Summary lastSave;

    /** What the last stop did, for tests and logs: items saved, and items lost (not saved). */
    record Summary(int saved, int lost) {
    }

    @Inject
    public QueuePersistence(QueueDatabase database, MQueues queues) {
        this.database = database;
        this.queues = queues;
    }

    @Override
    public String name() {
        return "mqueue-persistence";
    }

    @Override
    public Phase phase() {
        return Phase.QUEUE_STATE;
    }

    @Override
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("mqueue-persistence already started (" + state + ")");
        }
        state = State.FAILED; // until proven otherwise: stop() must not save after a partial load
        QueueStore store = database.store();
        store.checkTables(withDbmode(3));
        List<MQueue> toLoad = withDbmode(1, 2);
        long startNanos = System.nanoTime();
        Map<String, Integer> loaded = store.loadAndClear(toLoad);
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        for (MQueue q : toLoad) {
            log.info("mqueue '{}' (dbmode={}): loaded {} rows from table {}, {} items queued ({} ms for all tables)",
                    q.name(), q.definition().dbmode(), loaded.get(q.name()), q.name(), q.size(), millis);
        }
        state = State.STARTED;
    }

    @Override
    public synchronized void stop() {
        State was = state;
        state = State.STOPPED;
        if (was == State.FAILED) {
            log.warn("mqueue-persistence: start failed, so no queue is saved: every table was left as it was at start");
            lastSave = new Summary(0, 0);
            return;
        }
        if (was != State.STARTED) {
            return;
        }
        int saved = 0;
        int lost = 0;
        boolean reachable = true;
        for (MQueue q : withDbmode(1, 3)) {
            List<MQueueItem> items = q.drainAll();
            if (items.isEmpty()) {
                log.info("mqueue '{}' (dbmode={}): empty, nothing to save", q.name(), q.definition().dbmode());
                continue;
            }
            if (!reachable) {
                lost += items.size();
                log.error("mqueue '{}': {} items LOST: the database {} is unreachable", q.name(), items.size(),
                        database.url());
                continue;
            }
            long startNanos = System.nanoTime();
            QueueStore.SaveResult r;
            try {
                r = database.store().save(q.name(), items);
            } catch (RuntimeException e) { // save() should not throw; a bug must not lose the other queues
                log.error("mqueue '{}': saving failed", q.name(), e);
                r = new QueueStore.SaveResult(0, items.size(), false);
            }
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            saved += r.saved();
            lost += r.failed();
            reachable = !r.connectionLost();
            if (r.failed() == 0) {
                log.info("mqueue '{}' (dbmode={}): saved {} items into table {} in {} ms", q.name(),
                        q.definition().dbmode(), r.saved(), q.name(), millis);
            } else {
                log.error("mqueue '{}' (dbmode={}): saved {} items into table {}, {} items LOST{}", q.name(),
                        q.definition().dbmode(), r.saved(), q.name(), r.failed(),
                        r.connectionLost() ? " (database unreachable)" : "");
            }
        }
        lastSave = new Summary(saved, lost);
    }

    /** What the last stop saved and lost; null before a stop. */
    synchronized Summary lastSave() {
        return lastSave;
    }

    private List<MQueue> withDbmode(int... modes) {
        return queues.all().stream().filter(q -> {
            int mode = q.definition().dbmode();
            for (int m : modes) {
                if (m == mode) {
                    return true;
                }
            }
            return false;
        }).toList();
    }
}
