package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.testing.SipSink;
import org.sipmq.proxy.testing.TestProxy;

/**
 * The ACK of a final response the proxy made itself is hop by hop (RFC 3261 17.1.1.3): it ends at the proxy, also
 * when it comes after the transaction that sent the response is gone, and is never forwarded to the Request-URI.
 */
class LateAckIT {
    private static final Pattern TO = Pattern.compile("(?m)^To: ([^\r\n]*)");

    private static byte[] request(String method, String uri, String branch, String callId, String to, SipSink from) {
        return (method + " " + uri + " SIP/2.0\r\n" + "Via: SIP/2.0/UDP " + from.address() + ";branch=" + branch
                + ";rport\r\n" + "Max-Forwards: 70\r\n" + "From: <sip:alice@127.0.0.1>;tag=a1\r\n" + "To: " + to
                + "\r\n" + "Call-ID: " + callId + "\r\n" + "CSeq: 1 " + method + "\r\n" + "Content-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anAckForTheProxysOwnFinalResponseEndsThereEvenAfterItsTransaction() throws Exception {
        RoutingHook notFound = new RoutingHook() {
            @Override
            public void onRequest(RequestContext r) {
                if (r.request().getMethod().equals("INVITE")) {
                    r.reply(404, "Not Here");
                }
            }
        };
        try (TestProxy proxy = TestProxy.start("", notFound);
                SipSink caller = SipSink.start();
                SipSink callee = SipSink.start()) {
            String uri = "sip:nobody@" + callee.address();
            caller.send(request("INVITE", uri, "z9hG4bK-late-1", "late-ack@test", "<" + uri + ">", caller), proxy
                    .port());
            String answer = null;
            for (int i = 0; i < 5 && (answer == null || !answer.startsWith("SIP/2.0 404")); i++) {
                answer = caller.poll(Duration.ofSeconds(5)); // 100 Trying first
            }
            assertThat(answer).as("the proxy's own final response").startsWith("SIP/2.0 404");
            Matcher to = TO.matcher(answer);
            assertThat(to.find()).isTrue();
            byte[] ack = request("ACK", uri, "z9hG4bK-late-1", "late-ack@test", to.group(1), caller);
            caller.send(ack, proxy.port()); // absorbed by the INVITE's transaction
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (proxy.proxy().stackTransactions() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20); // bounded: Timer I (T4 = 100 ms) ends the transaction
            }
            assertThat(proxy.proxy().stackTransactions()).as("the INVITE's transaction is gone").isZero();

            caller.send(ack, proxy.port()); // late: no transaction absorbs it now
            // then an ACK of a 2xx (not the proxy's To tag) of the same call, which is forwarded, as a marker
            String marker = "sip:marker@" + callee.address();
            caller.send(request("ACK", marker, "z9hG4bK-late-2", "late-ack@test", "<" + uri + ">;tag=callee-1",
                    caller), proxy.port());
            String first = callee.poll(Duration.ofSeconds(10));
            assertThat(first).as("what reached the Request-URI first").isNotNull().startsWith("ACK " + marker);
        }
    }
}
