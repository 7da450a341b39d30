package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.ReplyContext;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.testing.TestProxy;
import org.sipmq.proxy.testing.TestUserAgent;

/** The hook chain: order, pseudo-variables and actions, through a real proxy. */
class RoutingHooksIT {
    private TestProxy proxy;
    private final TestUserAgent alice = TestUserAgent.start("alice");
    private final TestUserAgent bob = TestUserAgent.start("bob");

    @AfterEach
    void tearDown() {
        alice.close();
        bob.close();
        if (proxy != null) {
            proxy.close();
        }
    }

    private void start(RoutingHook... hooks) {
        proxy = TestProxy.start("", hooks);
        alice.useProxy(proxy.port(), "udp");
    }

    @Test
    void hooksRunInDeclaredOrderUntilOneDecides() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        RoutingHook first = new RoutingHook() {
            @Override
            public void onRequest(RequestContext r) {
                calls.add("first");
            }
        };
        RoutingHook second = new RoutingHook() {
            @Override
            public void onRequest(RequestContext r) {
                calls.add("second");
                r.reply(403, "Forbidden By Hook");
            }
        };
        RoutingHook third = new RoutingHook() {
            @Override
            public void onRequest(RequestContext r) {
                calls.add("third");
            }
        };
        start(first, second, third);
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(403);
        assertThat(calls).containsExactly("first", "second");
        assertThat(bob.requests()).isEmpty();
    }

    @Test
    void pseudoVariablesReadTheMessageBeingRouted() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        List<String> replies = new CopyOnWriteArrayList<>();
        start(new RoutingHook() {
            @Override
            public void onRequest(RequestContext r) {
                requests.add(r.format("$rm|$ru|$rU|$rd|$fu|$fU|$tu|$tU|$tt|$si|$pr|$hdr(Max-Forwards)|$rs"));
                requests.add(r.format("$ci") + "|" + r.pv("$ft"));
            }

            @Override
            public void onReply(ReplyContext r) {
                replies.add(r.format("$rs $rr $rm $ci"));
            }
        });
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
        assertThat(requests.get(0)).isEqualTo("INVITE|" + bob.uri("bob") + "|bob|127.0.0.1|sip:alice@127.0.0.1|alice|"
                + bob.uri("bob") + "|bob|<null>|127.0.0.1|udp|69|<null>");
        assertThat(requests.get(1)).startsWith(call.callId() + "|alice-");
        assertThat(replies).contains("200 OK INVITE " + call.callId());
    }

    @Test
    void forwardAddsAndRemovesHeadersAndRewritesTheTarget() throws Exception {
        TestUserAgent carol = TestUserAgent.start("carol");
        try {
            start(new RoutingHook() {
                @Override
                public void onRequest(RequestContext r) {
                    r.addHeader("X-Hook", "seen");
                    r.removeHeader("Contact");
                    r.forward(carol.uri("carol"));
                }
            });
            TestUserAgent.Call call = alice.request(Request.OPTIONS, bob.uri("bob"));
            assertThat(call.await(Request.OPTIONS, true).getStatusCode()).isEqualTo(200);
            Request got = carol.takeRequest(Request.OPTIONS);
            assertThat(got.getHeader("X-Hook").toString()).contains("seen");
            assertThat(got.getRequestURI().toString()).isEqualTo(carol.uri("carol"));
            assertThat(bob.requests()).isEmpty();
        } finally {
            carol.close();
        }
    }

    @Test
    void dropSendsNothingMoreAndReleasesTheTransaction() throws Exception {
        start(new RoutingHook() {
            @Override
            public void onRequest(RequestContext r) {
                r.drop();
            }
        });
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));
        assertThat(call.await(Request.INVITE, false).getStatusCode()).as("sent before the hooks").isEqualTo(100);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while ((proxy.proxy().stackTransactions() > 0 || proxy.proxy().inFlight() > 0) && System
                .nanoTime() < deadline) {
            Thread.sleep(50); // bounded wait for the hook, then the stack's linger timer (8 s)
        }
        assertThat(proxy.proxy().stackTransactions()).as("the dropped INVITE's transaction is released").isZero();
        assertThat(proxy.proxy().inFlight()).isZero();
        assertThat(call.cancel().getStatusCode()).isEqualTo(481);
        assertThat(call.codes(Request.INVITE)).containsExactly(100);
        assertThat(bob.requests()).isEmpty();
    }

    @Test
    void aHookThatThrowsGets500AndTheProxyGoesOn() throws Exception {
        start(new RoutingHook() {
            @Override
            public void onRequest(RequestContext r) {
                if (r.request().getMethod().equals(Request.MESSAGE)) {
                    throw new IllegalStateException("boom");
                }
            }
        });
        assertThat(alice.request(Request.MESSAGE, bob.uri("bob")).await(Request.MESSAGE, true).getStatusCode())
                .isEqualTo(500);
        assertThat(alice.request(Request.OPTIONS, bob.uri("bob")).await(Request.OPTIONS, true).getStatusCode())
                .isEqualTo(200);
    }
}
