package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StripedExecutorTest {
    @Test
    void tasksOfOneKeyRunInOrderOnOneNamedThread() throws Exception {
        StripedExecutor workers = new StripedExecutor("test-worker", 4, 100);
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(50);
        for (int i = 0; i < 50; i++) {
            int n = i;
            assertThat(workers.execute("call-1", () -> {
                seen.add(n + "@" + Thread.currentThread().getName());
                done.countDown();
            })).isTrue();
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        workers.shutdown(1000);
        String thread = seen.get(0).substring(seen.get(0).indexOf('@') + 1);
        assertThat(thread).startsWith("test-worker-");
        for (int i = 0; i < 50; i++) {
            assertThat(seen.get(i)).isEqualTo(i + "@" + thread);
        }
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
