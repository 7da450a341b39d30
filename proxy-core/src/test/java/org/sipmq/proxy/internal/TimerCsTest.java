package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimerCsTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final TimerCs timers = new TimerCs(180_000, now::get);
    private final List<String> fired = new ArrayList<>();

    private void sweepAt(long millis) {
        now.set(1_000 + TimeUnit.MILLISECONDS.toNanos(millis));
        timers.sweep(now.get(), (callId, expiry) -> {
            fired.add(callId);
            expiry.run();
        });
    }

    @Test
    void aTimerFiresOnceAtItsDeadlineAndLeavesTheSet() {
        List<String> expired = new ArrayList<>();
        timers.start("a", () -> expired.add("a"));
        sweepAt(179_999);
        assertThat(fired).isEmpty();
        sweepAt(180_000);
        sweepAt(200_000);
        assertThat(fired).containsExactly("a");
        assertThat(expired).containsExactly("a");
        assertThat(timers.size()).isZero();
    }

    @Test
    void aCancelledTimerNeverFiresAndARestartCountsFromTheRestart() {
        TimerCs.Handle first = timers.start("a", () -> {
        });
        sweepAt(100_000);
        first.cancel(); // a provisional: cancelled and started again
        timers.start("a", () -> {
        });
        sweepAt(180_000);
        assertThat(fired).as("the first run was cancelled").isEmpty();
        sweepAt(280_000);
        assertThat(fired).containsExactly("a");
        first.cancel(); // again, after the restart fired: harmless
        assertThat(timers.size()).isZero();
    }

    @Test
    void theSweepPeriodIsATenthOfTheTimerWithinBounds() {
        assertThat(TimerCs.sweepPeriodMillis(185_000)).isEqualTo(1_000);
        assertThat(TimerCs.sweepPeriodMillis(2_000)).isEqualTo(200);
        assertThat(TimerCs.sweepPeriodMillis(500)).isEqualTo(100);
    }
}
