package org.sipmq.sample;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The tests' wait for CDRs: the drain writes them asynchronously, by design, so a test waits (bounded) for a state. */
final class Cdrs {
    private Cdrs() {
    }

    /** Waits up to 60 s until the rows of {@code cdrs} satisfy {@code done}, then returns them. */
    static List<Cdr> await(CdrStore cdrs, Predicate<List<Cdr>> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<Cdr> rows = List.of();
        while (System.nanoTime() < deadline) {
            try {
                rows = cdrs.all();
                if (done.test(rows)) {
                    return rows;
                }
            } catch (RuntimeException tableNotThereYet) {
                // the proxy creates the table at start
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the CDRs did not reach the expected state within 60 s: " + rows);
    }
}
