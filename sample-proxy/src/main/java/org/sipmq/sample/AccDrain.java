package org.sipmq.sample;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.timer.TimerContext;
import org.sipmq.proxy.timer.TimerRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timer route {@code ACC_DRAIN}: Kamailio's {@code while (mq_fetch("acc")) { ... $mqk(acc) ... $mqv(acc) ... }},
 * capped at {@code acc_batch} items a run, then one database transaction for the whole batch. Runs on a timer worker,
 * where blocking on the database is the point.
 *
 * <ul>
 * <li>When the write fails because of the database (unreachable, a table missing, a deadlock), the events go back into
 * the queue for the next run: a CDR upsert does not care about order, so nothing is lost or counted twice. So do the
 * events of a run interrupted by the worker's stop, which a dbmode 1 queue then saves.
 * <li>When it fails because of the data (SQLSTATE class 22 or 23: a value too long for its column, a constraint), one
 * event is poison: the batch is split in halves, each written on its own, down to the single event that fails, which
 * goes to the dead-letter table {@code acc_dead_letter} with the reason. The other events of the batch are written.
 * An item that is not an accounting event at all goes there too.
 * </ul>
 */
final class AccDrain implements TimerRoute {
    private static final Logger log = LoggerFactory.getLogger(AccDrain.class);

    private final MQueues mq;
    private final SampleDatabase db;
    private final SampleSettings settings;
    private final AccMetrics metrics;

    @Inject
    AccDrain(MQueues mq, SampleDatabase db, SampleSettings settings, MeterRegistry registry) {
        this.mq = mq;
        this.db = db;
        this.settings = settings;
        this.metrics = new AccMetrics(registry);
    }

    /** One fetched item and, when it parsed, its event. */
    private record Taken(MQueueItem item, CallEvent event) {
    }

    @Override
    public void run(TimerContext ctx) {
        List<Taken> batch = new ArrayList<>();
        try {
            while (batch.size() < settings.accBatch() && mq.mq_fetch(Accounting.ACC) == 1) {
                MQueueItem item = new MQueueItem(mq.mqk_gete(Accounting.ACC), mq.mqv_gete(Accounting.ACC));
                try {
                    batch.add(new Taken(item, CallEvent.parse(item.key(), item.value())));
                } catch (IllegalArgumentException e) {
                    deadLetter(item, "malformed: " + e.getMessage());
                }
                if (settings.accDrainDelayMillis() > 0) {
                    Thread.sleep(settings.accDrainDelayMillis()); // simulated slow I/O, for benchmarks only
                }
            }
        } catch (InterruptedException e) {
            // The worker is being stopped: what this run took goes back, so that the stop saves it (dbmode 1).
            putBack(batch, "the drain was interrupted");
            Thread.currentThread().interrupt();
            return;
        }
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    /** Writes the batch, splitting it around poison events; puts back what the database could not take. */
    private void write(List<Taken> batch) {
        Deque<List<Taken>> todo = new ArrayDeque<>();
        todo.push(batch);
        boolean split = false;
        while (!todo.isEmpty()) {
            List<Taken> part = todo.pop();
            try {
                db.cdrs().apply(part.stream().map(Taken::event).toList());
            } catch (RuntimeException e) {
                if (!CdrStore.isDataProblem(e)) {
                    List<Taken> rest = new ArrayList<>(part);
                    todo.forEach(rest::addAll);
                    log.error("writing {} CDR events failed: {}", rest.size(), CdrStore.reason(e), e);
                    putBack(rest, "writing them failed");
                    return;
                }
                if (part.size() == 1) {
                    deadLetter(part.get(0).item(), CdrStore.reason(e));
                    continue;
                }
                if (!split) {
                    log.warn("a batch of {} CDR events failed on its data ({}); splitting it to find the event",
                            part.size(), CdrStore.reason(e));
                    split = true;
                }
                int half = part.size() / 2;
                todo.push(part.subList(half, part.size()));
                todo.push(part.subList(0, half));
            }
        }
    }

    private void deadLetter(MQueueItem item, String reason) {
        try {
            db.cdrs().deadLetter(item.key(), item.value(), reason);
            metrics.deadLetters.increment();
            log.warn("accounting item of call '{}' moved to acc_dead_letter: {}", shortened(item.key()), reason);
        } catch (RuntimeException e) {
            if (!CdrStore.isDataProblem(e)) {
                putBack(List.of(new Taken(item, null)), "its dead letter could not be written");
                return;
            }
            metrics.lost.increment();
            log.error(
                    "accounting item of call '{}' LOST: the CDR table refused it ({}) and so did acc_dead_letter ({})",
                    shortened(item.key()), reason, CdrStore.reason(e));
        }
    }

    private void putBack(List<Taken> taken, String why) {
        if (taken.isEmpty()) {
            return;
        }
        log.warn("{}: putting {} accounting events back into '{}' for the next run", why, taken.size(),
                Accounting.ACC);
        for (Taken t : taken) {
            mq.queue(Accounting.ACC).add(t.item().key(), t.item().value());
        }
        metrics.requeued.increment(taken.size());
    }

    /** A key as logged: a peer's 60 KB Call-ID is cut. */
    static String shortened(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "... (" + s.length() + " chars)";
    }

    /** The drain's counters, shared by every worker (Micrometer gives back the same meter for the same name). */
    static final class AccMetrics {
        final Counter deadLetters;
        final Counter lost;
        final Counter requeued;

        AccMetrics(MeterRegistry registry) {
            deadLetters = Counter.builder("sipmq.sample.acc.dead.letters")
                    .description("Accounting items the CDR table refused (or that were not events), moved to"
                            + " acc_dead_letter")
                    .register(registry);
            lost = Counter.builder("sipmq.sample.acc.lost")
                    .description("Accounting items that neither the CDR table nor acc_dead_letter would take")
                    .register(registry);
            requeued = Counter.builder("sipmq.sample.acc.requeued")
                    .description("Accounting items put back into acc because the database failed (or a stop"
                            + " interrupted the drain)")
                    .register(registry);
        }
    }
}
