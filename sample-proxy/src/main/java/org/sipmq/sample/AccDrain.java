package org.sipmq.sample;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.TimerContext;
import org.sipmq.proxy.TimerRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timer route {@code ACC_DRAIN}: Kamailio's {@code while (mq_fetch("acc")) { ... $mqk(acc) ... $mqv(acc) ... }},
 * capped at {@code acc_batch} items a run, then one database transaction for the whole batch. Runs on a timer worker,
 * where blocking on the database is the point. When the write fails the events go back into the queue for the next
 * run: a CDR upsert does not care about order, so nothing is lost or counted twice. So do the events of a run
 * interrupted by the worker's stop, which a dbmode 1 queue then saves.
 */
final class AccDrain implements TimerRoute {
    private static final Logger log = LoggerFactory.getLogger(AccDrain.class);

    private final MQueues mq;
    private final SampleDatabase db;
    private final SampleSettings settings;

    @Inject
    AccDrain(MQueues mq, SampleDatabase db, SampleSettings settings) {
        this.mq = mq;
        this.db = db;
        this.settings = settings;
    }

    @Override
    public void run(TimerContext ctx) {
        List<CallEvent> events = new ArrayList<>();
        List<String[]> taken = new ArrayList<>();
        try {
            while (events.size() < settings.accBatch() && mq.mq_fetch(Accounting.ACC) == 1) {
                String key = mq.mqk_gete(Accounting.ACC);
                String value = mq.mqv_gete(Accounting.ACC);
                try {
                    events.add(CallEvent.parse(key, value));
                    taken.add(new String[]{key, value});
                } catch (IllegalArgumentException e) {
                    log.warn("dropping a malformed accounting item: {}", e.getMessage());
                }
                if (settings.accDrainDelayMillis() > 0) {
                    Thread.sleep(settings.accDrainDelayMillis()); // simulated slow I/O, for benchmarks only
                }
            }
        } catch (InterruptedException e) {
            // The worker is being stopped: what this run took goes back, so that the stop saves it (dbmode 1).
            putBack(taken, "the drain was interrupted");
            Thread.currentThread().interrupt();
            return;
        }
        if (events.isEmpty()) {
            return;
        }
        try {
            db.cdrs().apply(events);
        } catch (RuntimeException e) {
            log.error("writing {} CDR events failed", events.size(), e);
            putBack(taken, "writing them failed");
        }
    }

    private void putBack(List<String[]> taken, String why) {
        if (taken.isEmpty()) {
            return;
        }
        log.warn("{}: putting {} accounting events back into '{}' for the next run", why, taken.size(),
                Accounting.ACC);
        for (String[] item : taken) {
            mq.queue(Accounting.ACC).add(item[0], item[1]);
        }
    }
}
