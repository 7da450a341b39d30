package org.sipmq.sample;

import jakarta.inject.Inject;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.pv.Vars;
import org.sipmq.proxy.timer.TimerContext;
import org.sipmq.proxy.timer.TimerRoute;

/**
 * The timer route {@code ACC_DRAIN} with {@code modparam("sample", "accounting", "invite")}: Kamailio's
 * {@code while (mq_fetch("acc")) { $var(key) = $mqk(acc); $var(value) = $mqv(acc); }}, capped at {@code acc_batch}
 * items a run (Kamailio's {@code max_while_loops}), and nothing written: the drain of the Kamailio benchmark peer
 * ({@code bench/kamailio/kamailio.cfg}). {@code acc_drain_delay_ms} still simulates I/O per item.
 */
final class AccFetch implements TimerRoute {
    private final MQueues mq;
    private final SampleSettings settings;

    @Inject
    AccFetch(MQueues mq, SampleSettings settings) {
        this.mq = mq;
        this.settings = settings;
    }

    @Override
    public void run(TimerContext ctx) {
        try {
            for (int n = 0; n < settings.accBatch() && mq.mq_fetch(Accounting.ACC) == 1; n++) {
                Vars.set("key", mq.mqk_gete(Accounting.ACC));
                Vars.set("value", mq.mqv_gete(Accounting.ACC));
                if (settings.accDrainDelayMillis() > 0) {
                    Thread.sleep(settings.accDrainDelayMillis()); // simulated slow I/O, for benchmarks only
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the worker is being stopped; nothing taken is kept anyway
        } finally {
            Vars.set("key", null);
            Vars.set("value", null);
        }
    }
}
