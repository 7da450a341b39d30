package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.testing.TestProxy;
import org.sipmq.proxy.testing.TestUserAgent;
import org.sipmq.proxy.testing.TestUserAgent.Behavior;

/** Call flows through a real proxy between two real user agents on 127.0.0.1. */
class CallFlowIT {
    private TestProxy proxy;
    private TestUserAgent alice;
    private TestUserAgent bob;

    @BeforeEach
    void setUp() {
        proxy = TestProxy.start("");
        alice = TestUserAgent.start("alice");
        bob = TestUserAgent.start("bob");
        alice.useProxy(proxy.port(), "udp");
    }

    @AfterEach
    void tearDown() {
        alice.close();
        bob.close();
        proxy.close();
    }

    @Test
    void inviteRingingAnswerAckByeGoThroughTheProxy() throws Exception {
        bob.setBehavior(Behavior.ringThenAnswer());
        TestUserAgent.Call call = alice.invite(bob.uri("bob"));

        Request invite = bob.takeRequest(Request.INVITE);
        assertThat(((MaxForwardsHeader) invite.getHeader(MaxForwardsHeader.NAME)).getMaxForwards()).isEqualTo(69);
        assertThat(invite.getHeader(RouteHeader.NAME)).as("our own Route is removed").isNull();
        RecordRouteHeader rr = (RecordRouteHeader) invite.getHeader(RecordRouteHeader.NAME);
        assertThat(rr.getAddress().getURI().toString()).contains("127.0.0.1:" + proxy.port()).contains("lr");
        ViaHeader top = (ViaHeader) invite.getHeader(ViaHeader.NAME);
        assertThat(top.getPort()).isEqualTo(proxy.port());
        assertThat(top.getBranch()).startsWith("z9hG4bK");

        Response ok = call.awaitFinal();
        assertThat(ok.getStatusCode()).isEqualTo(200);
        assertThat(call.codes()).containsExactly(100, 180, 200);

        call.ack();
        Request ack = bob.takeRequest(Request.ACK);
        assertThat(((ViaHeader) ack.getHeader(ViaHeader.NAME)).getBranch()).startsWith("z9hG4bK");

        assertThat(call.bye().getStatusCode()).isEqualTo(200);
        assertThat(bob.takeRequest(Request.BYE).getHeader(RouteHeader.NAME)).isNull();
    }
}
