package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StripedExecutorTest {
    @Test
    void tasksOfOneKeyRunInOrderOneAtATimeOnNamedThreads() throws Exception {
        StripedExecutor workers = new StripedExecutor("test-worker", 4, 1000);
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(200);
        for (int i = 0; i < 200; i++) {
            int n = i;
            assertThat(workers.execute("call-1", () -> {
                if (running.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                seen.add(n + "@" + Thread.currentThread().getName());
                running.decrementAndGet();
                done.countDown();
            })).isTrue();
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        workers.shutdown(1000);
        assertThat(overlaps).as("tasks of one stripe that ran at the same time").hasValue(0);
        for (int i = 0; i < 200; i++) {
            assertThat(seen.get(i)).startsWith(i + "@test-worker-");
        }
    }

    @Test
    void aTaskGivenHereRunsOnTheCallingThreadWhenItsStripeIsIdle() {
        StripedExecutor workers = new StripedExecutor("test-worker", 2, 100);
        List<String> seen = new CopyOnWriteArrayList<>();
        assertThat(workers.execute("a", () -> seen.add(Thread.currentThread().getName()), true)).isTrue();
        assertThat(workers.followUp("a", () -> seen.add(Thread.currentThread().getName()), true)).isTrue();
        workers.shutdown(1000);
        assertThat(seen).as("both ran before execute returned, on this thread").containsExactly(Thread
                .currentThread().getName(), Thread.currentThread().getName());
    }

    @Test
    void aTaskGivenHereWaitsBehindItsBusyStripeAndRunsThereInOrder() throws Exception {
        StripedExecutor workers = new StripedExecutor("test-worker", 1, 100);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(2);
        workers.execute("a", () -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.add("first");
            done.countDown();
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(workers.execute("a", () -> {
            seen.add("second@" + Thread.currentThread().getName());
            done.countDown();
        }, true)).isTrue();
        assertThat(seen).as("not run on the caller while the stripe is busy").isEmpty();
        release.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        workers.shutdown(1000);
        assertThat(seen).containsExactly("first", "second@test-worker-0");
    }

    @Test
    void aFullStripeRefusesInsteadOfQueueingWithoutBound() throws Exception {
        StripedExecutor workers = new StripedExecutor("test-worker", 1, 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        assertThat(workers.execute("a", () -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })).isTrue();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(workers.execute("a", () -> {
        })).as("fills the queue").isTrue();
        assertThat(workers.execute("a", () -> {
        })).as("over capacity").isFalse();
        release.countDown();
        workers.shutdown(1000);
        assertThat(workers.execute("a", () -> {
        })).as("after shutdown").isFalse();
    }

    @Test
    void followUpsAreQueuedBehindNewWorkEvenWhenTheStripeIsFull() throws Exception {
        StripedExecutor workers = new StripedExecutor("test-worker", 1, 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        workers.execute("a", () -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(workers.execute("a", () -> {
            seen.add("new");
            done.countDown();
        })).isTrue();
        assertThat(workers.execute("a", () -> {
        })).as("new work over capacity").isFalse();
        for (int i = 0; i < 2; i++) {
            int n = i;
            assertThat(workers.followUp("a", () -> {
                seen.add("follow-up " + n);
                done.countDown();
            })).as("follow-up over capacity").isTrue();
        }
        release.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).containsExactly("new", "follow-up 0", "follow-up 1");
        assertThat(workers.execute("a", () -> {
        })).as("new work fits again once the queue drained").isTrue();
        workers.shutdown(1000);
        assertThat(workers.followUp("a", () -> {
        })).as("after shutdown").isFalse();
    }

    @Test
    void aFailingTaskDoesNotKillItsStripe() throws Exception {
        StripedExecutor workers = new StripedExecutor("test-worker", 1, 10);
        CountDownLatch after = new CountDownLatch(1);
        workers.execute("a", () -> {
            throw new IllegalStateException("expected by the test");
        });
        workers.execute("a", after::countDown);
        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        workers.shutdown(1000);
    }
}
