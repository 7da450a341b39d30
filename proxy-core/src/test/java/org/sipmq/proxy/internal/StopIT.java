package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.testing.TestProxy;
import org.sipmq.proxy.testing.TestUserAgent;

/** Stopping the proxy leaves no non-daemon thread behind (JAIN-SIP issue 198), so a JVM can end by itself. */
class StopIT {
    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon()).collect(
                Collectors.toSet());
    }

    @Test
    void stopLeavesNoNonDaemonThread() throws Exception {
        Set<Thread> before = nonDaemonThreads();
        TestProxy proxy = TestProxy.start("");
        try (TestUserAgent alice = TestUserAgent.start("alice"); TestUserAgent bob = TestUserAgent.start("bob")) {
            alice.useProxy(proxy.port(), "udp");
            TestUserAgent.Call call = alice.invite(bob.uri("bob"));
            assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
            call.ack();
            call.bye();
        }
        Set<Thread> during = nonDaemonThreads();
        during.removeAll(before);
        proxy.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        Set<Thread> left;
        do {
            left = nonDaemonThreads();
            left.removeAll(before);
            if (!left.isEmpty()) {
                Thread.sleep(50); // bounded wait for stopping threads to end
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertThat(left.stream().map(Thread::getName).toList()).as("non-daemon threads left (were: " + during.stream()
                .map(Thread::getName).toList() + ")").isEmpty();
    }
}
