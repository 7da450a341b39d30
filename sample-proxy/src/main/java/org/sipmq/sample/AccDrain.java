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
 * run: a CDR upsert does not care about order, so nothing is lost or counted twice.
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
    public void run(TimerContext ctx) throws InterruptedException {
        List<CallEvent> events = new ArrayList<>();
        List<String[]> taken = new ArrayList<>();
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
        if (events.isEmpty()) {
            return;
        }
        try {
            db.cdrs().apply(events);
        } catch (RuntimeException e) {
            log.error("writing {} CDR events failed; putting them back into '{}' for the next run", events.size(),
                    Accounting.ACC, e);
            for (String[] item : taken) {
                mq.queue(Accounting.ACC).add(item[0], item[1]);
            }
        }
    }
}
