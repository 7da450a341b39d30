package org.sipmq.sample;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.timer.TimerContext;
import org.sipmq.proxy.timer.TimerRoute;

/**
 * The timer route {@code CALLER_STATE_DRAIN}, written with the idiomatic batch form of the queue API: takes what
 * {@code caller_state} holds (at most one item per caller, thanks to addmode 2) and stores each caller's latest state.
 */
final class CallerStateDrain implements TimerRoute {
    private final MQueues mq;
    private final SampleDatabase db;

    @Inject
    CallerStateDrain(MQueues mq, SampleDatabase db) {
        this.mq = mq;
        this.db = db;
    }

    @Override
    public void run(TimerContext ctx) {
        List<MQueueItem> items = new ArrayList<>();
        mq.queue(Accounting.CALLER_STATE).drain(1000, items::add);
        if (!items.isEmpty()) {
            db.cdrs().saveCallerStates(items);
        }
    }
}
