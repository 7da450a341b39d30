package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SampledWarnTest {
    private final AtomicLong now = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
    private final List<String> lines = new ArrayList<>();
    private final SampledWarn sampled = new SampledWarn(now::get, lines::add);

    @Test
    void firstEventIsLoggedThenOneLinePerSecondWithTheCountOfTheOthers() {
        for (int i = 0; i < 30; i++) {
            int n = i;
            sampled.offer(skipped -> "event " + n + ", " + skipped + " skipped");
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        }
        assertThat(lines).containsExactly("event 0, 0 skipped", "event 10, 9 skipped", "event 20, 9 skipped");
    }

    @Test
    void aQuietSecondLogsTheNextEventAtOnce() {
        sampled.offer(skipped -> "a");
        now.addAndGet(TimeUnit.SECONDS.toNanos(5));
        sampled.offer(skipped -> "b " + skipped);
        assertThat(lines).containsExactly("a", "b 0");
    }
}
