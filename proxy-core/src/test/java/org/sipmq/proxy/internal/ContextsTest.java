package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import javax.sip.SipFactory;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.pv.PvEngine;

class ContextsTest {
    private static final String OPTIONS = "OPTIONS sip:bob@127.0.0.1:5070 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-1\r\n" + "Max-Forwards: 70\r\n"
            + "From: <sip:alice@127.0.0.1>;tag=a\r\n" + "To: <sip:bob@127.0.0.1>\r\n" + "Call-ID: c1\r\n"
            + "CSeq: 1 OPTIONS\r\n" + "Content-Length: 0\r\n\r\n";

    private final SipSupport sip;
    private final Request request;

    ContextsTest() throws Exception {
        SipFactory f = SipFactory.getInstance();
        f.setPathName("gov.nist");
        sip = new SipSupport(f.createAddressFactory(), f.createHeaderFactory(), f.createMessageFactory(), List.of());
        request = f.createMessageFactory().createRequest(OPTIONS);
    }

    private Contexts.Req context() {
        return new Contexts.Req(sip, new PvEngine(Map.of()), request);
    }

    @Test
    void forwardRecordsParsedTargets() {
        Contexts.Req ctx = context();
        ctx.forward("sip:a@127.0.0.1:5080", "sip:b@127.0.0.1:5090;transport=tcp");
        assertThat(ctx.action).isEqualTo(Contexts.Action.FORWARD);
        assertThat(ctx.targets).extracting(Object::toString).containsExactly("sip:a@127.0.0.1:5080",
                "sip:b@127.0.0.1:5090;transport=tcp");
        assertThat(ctx.decided()).isTrue();
    }

    @Test
    void aMessageIsDecidedOnlyOnce() {
        Contexts.Req ctx = context();
        ctx.reply(404, "Not Here");
        assertThatThrownBy(ctx::drop).isInstanceOf(IllegalStateException.class).hasMessageContaining(
                "already decided (REPLY)");
    }

    @Test
    void badTargetsAndCodesNameTheProblem() {
        Contexts.Req ctx = context();
        assertThatThrownBy(() -> ctx.forward("not a uri")).hasMessageContaining(
                "forward target 'not a uri' is not a URI");
        assertThatThrownBy(() -> ctx.forward(List.of())).hasMessageContaining("at least one target");
        assertThatThrownBy(() -> ctx.reply(180, "Ringing")).hasMessage("reply code: 180 (expected: 200..699)");
        assertThat(ctx.decided()).isFalse();
    }

    @Test
    void headerEditsChangeTheRequest() {
        Contexts.Req ctx = context();
        ctx.addHeader("X-Test", "one");
        assertThat(request.getHeader("X-Test").toString()).contains("one");
        ctx.removeHeader("X-Test");
        assertThat(request.getHeader("X-Test")).isNull();
        assertThat(ctx.inDialog()).isFalse();
    }

    private Contexts.Reply replyContext(int code) throws Exception {
        return new Contexts.Reply(sip, new PvEngine(Map.of()), sip.messages.createResponse(code, request), request);
    }

    @Test
    void replyHookMayDropAProvisionalResponse() throws Exception {
        Contexts.Reply ctx = replyContext(183);
        ctx.drop();
        assertThat(ctx.action).isEqualTo(Contexts.Action.DROP);
    }

    @Test
    void replyHookMayNotDropAFinalResponse() throws Exception {
        for (int code : new int[]{200, 486}) {
            Contexts.Reply ctx = replyContext(code);
            assertThatThrownBy(ctx::drop).isInstanceOf(IllegalStateException.class).hasMessageStartingWith(
                    "drop() of a " + code + " response (expected: a provisional one");
            assertThat(ctx.action).isEqualTo(Contexts.Action.NONE);
        }
    }
}
