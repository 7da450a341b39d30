package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sip.SipFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.pv.PvEngine;
import org.sipmq.proxy.pv.PvException;

@SuppressWarnings("try") // scopes are entered for their effect on the thread
class SipPvsTest {
    private static final String INVITE = "INVITE sip:bob@example.com:5070 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n" + "Max-Forwards: 70\r\n"
            + "From: \"Alice\" <sip:alice@example.org>;tag=ft1\r\n" + "To: <sip:bob@example.com>\r\n"
            + "Call-ID: abc@10.0.0.1\r\n" + "CSeq: 1 INVITE\r\n" + "User-Agent: test-ua 1.0\r\n"
            + "Content-Length: 0\r\n\r\n";

    private final PvEngine engine = new PvEngine(SipPvs.all());

    private static MessageFactory messages() throws Exception {
        SipFactory f = SipFactory.getInstance();
        f.setPathName("gov.nist");
        return f.createMessageFactory();
    }

    @Test
    void requestPseudoVariablesHaveKamailiosMeanings() throws Exception {
        Request r = messages().createRequest(INVITE);
        try (CurrentMessage.Scope s = CurrentMessage.enter(new CurrentMessage(r, null, r))) {
            assertThat(engine.format("$ci|$rm|$ru|$rU|$rd|$fu|$fU|$ft|$tu|$tU|$tt|$pr|$hdr(User-Agent)|$rs|$rr"))
                    .isEqualTo("abc@10.0.0.1|INVITE|sip:bob@example.com:5070|bob|example.com|sip:alice@example.org"
                            + "|alice|ft1|sip:bob@example.com|bob|<null>|udp|test-ua 1.0|<null>|<null>");
            assertThat(engine.get("$hdr(X-Missing)")).isNull();
            assertThat(engine.get("$hdr(f)")).as("compact form").contains("tag=ft1");
        }
    }

    @Test
    void replyPseudoVariablesReadTheReplyAndItsRequest() throws Exception {
        Request r = messages().createRequest(INVITE);
        Response busy = messages().createResponse(486, r);
        ((javax.sip.header.ToHeader) busy.getHeader("To")).setTag("tt9");
        try (CurrentMessage.Scope s = CurrentMessage.enter(new CurrentMessage(r, busy, busy))) {
            assertThat(engine.format("$rs $rr $rm $tt $ru")).isEqualTo("486 Busy here INVITE tt9 "
                    + "sip:bob@example.com:5070");
        }
    }

    @Test
    void scopesNestAndRestore() throws Exception {
        Request r = messages().createRequest(INVITE);
        assertThat(engine.get("$ci")).isNull();
        try (CurrentMessage.Scope outer = CurrentMessage.enter(new CurrentMessage(r, null, r))) {
            try (CurrentMessage.Scope inner = CurrentMessage.enter(new CurrentMessage(null, null, null))) {
                assertThat(engine.get("$ci")).isNull();
            }
            assertThat(engine.get("$ci")).isEqualTo("abc@10.0.0.1");
        }
        assertThat(engine.get("$ci")).isNull();
    }

    @Test
    void argumentsAreCheckedWhenTheFormatIsCompiled() {
        assertThatThrownBy(() -> engine.compile("$ci(x)")).isInstanceOf(PvException.class).hasMessageContaining(
                "takes no argument");
        assertThatThrownBy(() -> engine.compile("$hdr()")).isInstanceOf(PvException.class).hasMessageContaining(
                "$hdr needs a header name");
    }
}
