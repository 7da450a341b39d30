package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link SipPathFuzzTest} found, each as a plain test of the behaviour that replaced the crash: the malformed
 * message is refused (answered 400 when it can be), never routed, and the proxy goes on. The fuzzer's own inputs stay
 * in its corpus as {@code found-*} (docs/fuzzing.md).
 */
class SipPathFuzzFindingsTest {
    private static SipPathHarness harness;

    @BeforeAll
    static void startProxy() throws Exception {
        harness = new SipPathHarness();
    }

    @AfterAll
    static void stopProxy() throws Exception {
        harness.close();
    }

    private static byte[] sip(String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Was: IllegalArgumentException "port out of range" from the UDP reading thread, and no answer. */
    @Test
    void viaPortBeyond65535IsAnswered400AtItsSource() throws Exception {
        harness.feed(sip("""
                OPTIONS sip:bob@127.0.0.1 SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:506170;branch=z9hG4bK-f1
                Max-Forwards: 70
                From: <sip:alice@127.0.0.1>;tag=a1
                To: <sip:bob@127.0.0.1>
                Call-ID: f1@127.0.0.1
                CSeq: 1 OPTIONS
                Content-Length: 0

                """));
        assertThat(harness.routed()).isZero();
        assertThat(harness.upstream()).singleElement().asString().startsWith("SIP/2.0 400 Bad Via\r\n");
    }

    /**
     * Was: forwarded with "received" added, re-encoded as a Via the next hop's parser drops ("ID expected"), so the
     * next hop saw a request without Via. RFC 3261's Via has no comment. Refused as the bytes arrive (see
     * {@link #viaCommentEndingInABackslashIsRefusedUnparsed}), so not answered.
     */
    @Test
    void viaCommentIsRefusedNotForwarded() throws Exception {
        harness.feed(sip("""
                MESSAGE sip:bob@127.0.0.1 SIP/2.0
                Via: SIP/2.0/UDP 192.0.2.9:5061;rport;bra(nch=z9hG4bK-f2)
                Max-Forwards: 70
                From: <sip:alice@127.0.0.1>;tag=a2
                To: <sip:bob@127.0.0.1>
                Call-ID: f2@127.0.0.1
                CSeq: 1 MESSAGE
                Content-Length: 0

                """));
        assertThat(harness.routed()).isZero();
        assertThat(harness.upstream()).isEmpty();
    }

    /**
     * Was: forwarded with the display name quoted as the stack encodes it, {@code "Ai l"ce""}, a From the next hop
     * cannot parse, so it dropped the request.
     */
    @Test
    void displayNameWithUnescapedQuotesIsAnswered400NotForwarded() throws Exception {
        harness.feed(sip("""
                INVITE sip:bob@127.0.0.1 SIP/2.0
                Via: SIP/2.0/UDP 192.0.2.9:5061;branch=z9hG4bK-f3;rport
                Max-Forwards: 70
                From: Ai l"ce" <sip:alice@127.0.0.1>;tag=a3
                To: <sip:bob@127.0.0.1>
                Call-ID: f3@127.0.0.1
                CSeq: 1 INVITE
                Content-Length: 0

                """));
        assertThat(harness.routed()).isZero();
        assertThat(harness.upstream()).singleElement().asString().startsWith("SIP/2.0 400 Bad From\r\n");
    }

    /**
     * Was: a NumberFormatException on the worker when the proxy cloned the request to forward it (the stack parses
     * rport then), so the INVITE had its 100 Trying and never a final response. Now it is refused before any
     * transaction; not answered, since a response copies the Vias and the stack cannot copy that one.
     */
    @Test
    void rportThatIsNoNumberIsRefusedNotRouted() throws Exception {
        harness.feed(sip("""
                INVITE sip:bob@127.0.0.1 SIP/2.0
                Via: SIP/2.0/UDP 192.0.2.9:5061;branch=z9hG4bK-f4;rport
                Via: SIP/2.0/UDP 192.0.2.8:5061;branch=z9hG4bK-f4b;rport=z9hG4bK
                Max-Forwards: 70
                From: <sip:alice@127.0.0.1>;tag=a4
                To: <sip:bob@127.0.0.1>
                Call-ID: f4@127.0.0.1
                CSeq: 1 INVITE
                Content-Length: 0

                """));
        assertThat(harness.routed()).isZero();
        assertThat(harness.upstream()).isEmpty(); // not even 100 Trying: no transaction
    }

    /**
     * Was: forwarded with the Via host "12Allow:" encoded as an IPv6 reference, "[12Allow:]", which the next hop's
     * parser refuses, so it saw a request without Via.
     */
    @Test
    void viaHostThatIsNoHostIsAnswered400NotForwarded() throws Exception {
        harness.feed(sip("""
                MESSAGE sip:bob@127.0.0.1 SIP/2.0
                Via: SIP/2.0/UDP 12Allow: :5061;branch=z9hG4bK-f5;rport
                Max-Forwards: 70
                From: <sip:alice@127.0.0.1>;tag=a5
                To: <sip:bob@127.0.0.1>
                Call-ID: f5@127.0.0.1
                CSeq: 1 MESSAGE
                Content-Length: 0

                """));
        assertThat(harness.routed()).isZero();
        assertThat(harness.upstream()).singleElement().asString().startsWith("SIP/2.0 400 Bad Via\r\n");
    }

    /**
     * Was: jain-sip-ri's Via parser appended to the comment for ever, until an OutOfMemoryError, which the UDP
     * reading thread does not survive: one datagram of 200 bytes stopped the listening point. Now the bytes are
     * refused before the parser sees them (not answered: answering needs the Via parsed).
     */
    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void viaCommentEndingInABackslashIsRefusedUnparsed() throws Exception {
        harness.feed(sip("""
                OPTIONS sip:bob@127.0.0.1 SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-f6;rport (comment\\
                Max-Forwards: 70
                From: <sip:alice@127.0.0.1>;tag=a6
                To: <sip:bob@127.0.0.1>
                Call-ID: f6@127.0.0.1
                CSeq: 1 OPTIONS
                Content-Length: 0

                """));
        assertThat(harness.routed()).isZero();
        assertThat(harness.upstream()).isEmpty();
    }
}
