package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.testing.SipSink;
import org.sipmq.proxy.testing.TestProxy;

/**
 * What a bench reads from the proxy's meters to tell whether it finished every request it admitted (issue 12's
 * overload check): requests admitted ({@code sipmq.sip.transactions}) against how they ended
 * ({@code sipmq.sip.completions}), and the requests its client transactions sent again downstream
 * ({@code sipmq.sip.retransmissions}: what a callee sees as an INVITE arriving after it answered, as SIPp's UAS did in
 * the soak). Raw peers on 127.0.0.1: the callee answers only once it has seen the INVITE twice.
 */
class CompletionMetricsIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static byte[] request(String method, int cseq, String uri, String branch, String to, SipSink from) {
        return (method + " " + uri + " SIP/2.0\r\n" + "Via: SIP/2.0/UDP " + from.address() + ";branch=" + branch
                + ";rport\r\n" + "Max-Forwards: 70\r\n" + "From: <sip:alice@127.0.0.1>;tag=a1\r\n" + "To: " + to
                + "\r\n" + "Call-ID: completion@test\r\n" + "CSeq: " + cseq + " " + method + "\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The callee's answer to a request as it arrived: its Via, From, To (tagged), Call-ID, CSeq and Record-Route. */
    private static byte[] answer(String request, String status) {
        String headers = request.lines().skip(1).takeWhile(l -> !l.isEmpty()).filter(l -> l.matches(
                "(?i)^(Via|From|To|Call-ID|CSeq|Record-Route):.*")).map(
                        l -> l.matches("(?i)^To:.*") && !l.contains(
                                "tag=") ? l + ";tag=b1" : l)
                .collect(Collectors.joining("\r\n"));
        return ("SIP/2.0 " + status + "\r\n" + headers + "\r\nContent-Length: 0\r\n\r\n").getBytes(
                StandardCharsets.UTF_8);
    }

    /** The next message whose start line begins with {@code start}, skipping others; fails after {@link #WAIT}. */
    private static String next(SipSink sink, String start, List<String> seen) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String m = sink.poll(Duration.ofMillis(200));
            if (m != null) {
                seen.add(m.lines().findFirst().orElse(""));
                if (m.startsWith(start)) {
                    return m;
                }
            }
        }
        throw new AssertionError("no '" + start + "' in " + WAIT + "; seen " + seen);
    }

    private static double count(MeterRegistry meters, String name, String... tags) {
        var c = meters.find(name).tags(tags).counter();
        if (c != null) {
            return c.count();
        }
        var f = meters.find(name).tags(tags).functionCounter();
        return f == null ? 0 : f.count();
    }

    @Test
    void anAdmittedCallIsCountedUntilItsFinalAndTheInviteSentAgainIsCounted() throws Exception {
        try (TestProxy proxy = TestProxy.start("");
                SipSink caller = SipSink.start();
                SipSink callee = SipSink.start()) {
            MeterRegistry meters = proxy.app().injector().getInstance(MeterRegistry.class);
            List<String> atCaller = new ArrayList<>();
            List<String> atCallee = new ArrayList<>();
            String uri = "sip:bob@" + callee.address();

            caller.send(request("INVITE", 1, uri, "z9hG4bK-c-1", "<" + uri + ">", caller), proxy.port());
            next(callee, "INVITE", atCallee);
            String again = next(callee, "INVITE", atCallee); // T1 (50 ms) without an answer: Timer A
            callee.send(answer(again, "200 OK"), proxy.port());
            next(caller, "SIP/2.0 200", atCaller);

            caller.send(request("BYE", 2, uri, "z9hG4bK-c-2", "<" + uri + ">;tag=b1", caller), proxy.port());
            callee.send(answer(next(callee, "BYE", atCallee), "200 OK"), proxy.port());
            next(caller, "SIP/2.0 200", atCaller);

            long deadline = System.nanoTime() + WAIT.toNanos();
            while (proxy.proxy().inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20); // bounded: the worker finishes the BYE after its 200 went upstream
            }
            for (String m; (m = callee.poll(Duration.ofMillis(300))) != null;) {
                atCallee.add(m.lines().findFirst().orElse("")); // an INVITE sent again before the 200 came
            }
            long invitesAtCallee = atCallee.stream().filter(l -> l.startsWith("INVITE")).count();

            assertThat(proxy.proxy().inFlight()).as("in flight").isZero();
            assertThat(count(meters, "sipmq.sip.transactions", "method", "INVITE")).isEqualTo(1.0);
            assertThat(count(meters, "sipmq.sip.transactions", "method", "BYE")).isEqualTo(1.0);
            assertThat(count(meters, "sipmq.sip.completions", "method", "INVITE", "outcome", "2xx")).isEqualTo(1.0);
            assertThat(count(meters, "sipmq.sip.completions", "method", "BYE", "outcome", "2xx")).isEqualTo(1.0);
            assertThat(meters.find("sipmq.sip.completions").counters()).as("no other outcome").hasSize(2);
            assertThat(count(meters, "sipmq.sip.retransmissions", "transaction", "INVITE")).as(
                    "INVITEs the callee saw, less the first").isEqualTo(invitesAtCallee - 1.0);
            assertThat(count(meters, "sipmq.sip.retransmissions", "transaction", "non-INVITE")).as(
                    "BYEs sent again").isEqualTo(atCallee.stream().filter(l -> l.startsWith("BYE")).count() - 1.0);
        }
    }
}
