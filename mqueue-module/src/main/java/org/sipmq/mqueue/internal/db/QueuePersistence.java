package org.sipmq.mqueue.internal.db;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueues;
import org.sipmq.mqueue.internal.QueueLimits;
import org.sipmq.proxy.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kamailio's dbmode (spec §4), phase {@link Service.Phase#QUEUE_STATE}: after the database and before the timers and
 * the SIP transport. Start loads each persisted queue's spool file, then the dbmode 1 and 2 queues from their tables
 * (deleting exactly the loaded rows), checks that the dbmode 3 tables exist, and limits the items of the saved queues
 * (dbmode 1 and 3) to their tables' column sizes. Stop, which runs after the transport and the timers have stopped,
 * saves the dbmode 1 and 3 queues in FIFO order; what cannot be saved goes to the {@link QueueSpool}.
 *
 * <p>
 * A start that failed saves nothing at stop: every table was left as it was (the load is one transaction), so saving
 * what had been loaded would duplicate rows; the queues are emptied, so that nothing is half-loaded. When this start
 * succeeded but a later service's failed, the dbmode 2 queues are saved too: their rows were deleted at load, and the
 * application never ran to use them.
 */
@Singleton
public final class QueuePersistence implements Service {
    private static final Logger log = LoggerFactory.getLogger(QueuePersistence.class);

    private enum State {
        NEW, LOADED, RUNNING, FAILED, STOPPED
    }

    private final QueueDatabase database;
    private final MQueues queues;
    private final QueueSpool spool;
    private State state = State.NEW;
    private Summary lastSave;

    /**
     * What the last stop did, for tests and logs: items saved into their tables, items written to the spool file, and
     * items lost (neither: the spool could not be written either).
     */
    record Summary(int saved, int spooled, int lost) {
    }

    @Inject
    public QueuePersistence(QueueDatabase database, MQueues queues, QueueSpool spool) {
        this.database = database;
        this.queues = queues;
        this.spool = spool;
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
        List<MQueue> persisted = withDbmode(1, 2, 3);
        try {
            QueueStore store = database.store();
            store.checkTables(withDbmode(3));
            for (MQueue q : persisted) {
                loadSpool(q);
            }
            List<MQueue> toLoad = withDbmode(1, 2);
            long startNanos = System.nanoTime();
            Map<String, Integer> loaded = store.loadAndClear(toLoad);
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            for (MQueue q : toLoad) {
                log.info("mqueue '{}' (dbmode={}): loaded {} rows from table {}, {} items queued ({} ms for all"
                        + " tables)", q.name(), q.definition().dbmode(), loaded.get(q.name()), q.name(), q.size(),
                        millis);
            }
            for (MQueue q : withDbmode(1, 3)) {
                QueueStore.ColumnLimits limits = store.columnLimits(q.name());
                QueueLimits.limit(q, limits.key(), limits.val());
                log.info("mqueue '{}': keys up to {} and values up to {} characters (the columns of table {}); longer"
                        + " items are refused (mq_add -3)", q.name(), shown(limits.key()), shown(limits.val()),
                        q.name());
            }
        } catch (RuntimeException e) {
            // Nothing half-loaded: the rows are all still in their tables, the spool files still on disk.
            persisted.forEach(MQueue::drainAll);
            throw e;
        }
        // The rows are gone from the tables: only now may the spool files go too.
        for (MQueue q : persisted) {
            try {
                spool.delete(q.name());
            } catch (IOException e) {
                log.error("mqueue '{}': cannot delete the spool file {} after loading it; delete it by hand before"
                        + " the next start, or its items will be queued twice", q.name(), spool.file(q.name()), e);
            }
        }
        state = State.LOADED;
    }

    private void loadSpool(MQueue q) {
        List<MQueueItem> items;
        try {
            items = spool.read(q.name());
        } catch (IOException e) {
            throw new QueueStoreException("mqueue '" + q.name() + "': " + e.getMessage(), e);
        }
        if (items.isEmpty()) {
            return;
        }
        items.forEach(i -> q.add(i.key(), i.value()));
        log.warn("mqueue '{}' (dbmode={}): loaded {} items from the spool file {} (not saved at the last stop),"
                + " before the table", q.name(), q.definition().dbmode(), items.size(), spool.file(q.name()));
    }

    private static String shown(int limit) {
        return limit == Integer.MAX_VALUE ? "any number of" : Integer.toString(limit);
    }

    @Override
    public synchronized void allStarted() {
        if (state == State.LOADED) {
            state = State.RUNNING;
        }
    }

    @Override
    public synchronized void stop() {
        State was = state;
        state = State.STOPPED;
        if (was == State.FAILED) {
            log.warn("mqueue-persistence: start failed, so no queue is saved: every table and spool file was left as"
                    + " it was at start");
            lastSave = new Summary(0, 0, 0);
            return;
        }
        if (was != State.LOADED && was != State.RUNNING) {
            return;
        }
        List<MQueue> toSave;
        if (was == State.LOADED) {
            // A later service failed to start: the dbmode 2 queues' rows were deleted at load, so put them back too.
            toSave = withDbmode(1, 2, 3);
            log.warn("mqueue-persistence: the application did not start, so the dbmode 2 queues are saved back too");
        } else {
            toSave = withDbmode(1, 3);
        }
        save(toSave);
    }

    private void save(List<MQueue> toSave) {
        int saved = 0;
        int spooled = 0;
        int lost = 0;
        boolean reachable = true;
        for (MQueue q : toSave) {
            List<MQueueItem> items = q.drainAll();
            if (items.isEmpty()) {
                log.info("mqueue '{}' (dbmode={}): empty, nothing to save", q.name(), q.definition().dbmode());
                continue;
            }
            QueueStore.SaveResult r;
            if (!reachable) {
                r = new QueueStore.SaveResult(0, items, true);
            } else {
                long startNanos = System.nanoTime();
                try {
                    r = database.store().save(q.name(), items);
                } catch (RuntimeException e) { // save() should not throw; a bug must not lose the other queues
                    log.error("mqueue '{}': saving failed", q.name(), e);
                    r = new QueueStore.SaveResult(0, items, false);
                }
                long millis = (System.nanoTime() - startNanos) / 1_000_000;
                if (r.failed() == 0) {
                    log.info("mqueue '{}' (dbmode={}): saved {} items into table {} in {} ms", q.name(),
                            q.definition().dbmode(), r.saved(), q.name(), millis);
                }
            }
            saved += r.saved();
            reachable = reachable && !r.connectionLost();
            if (r.failed() == 0) {
                continue;
            }
            String why = r.connectionLost()
                    ? "the database " + database.url() + " is unreachable"
                    : "the table refused them";
            try {
                spool.append(q.name(), r.unsaved());
                spooled += r.failed();
                log.error("mqueue '{}' (dbmode={}): saved {} items into table {}, {} items written to the spool file"
                        + " {} ({}); the next start loads them before the table", q.name(), q.definition().dbmode(),
                        r.saved(), q.name(), r.failed(), spool.file(q.name()), why);
            } catch (IOException e) {
                lost += r.failed();
                log.error("mqueue '{}' (dbmode={}): saved {} items into table {}, {} items LOST ({}, and {})",
                        q.name(), q.definition().dbmode(), r.saved(), q.name(), r.failed(), why, e.getMessage(), e);
            }
        }
        lastSave = new Summary(saved, spooled, lost);
    }

    /** What the last stop saved, spooled and lost; null before a stop. */
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
