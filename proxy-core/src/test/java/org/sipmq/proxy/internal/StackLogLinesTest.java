package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.ParseException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.internal.MalformedInput.Reason;
import org.sipmq.proxy.internal.MalformedInput.Transport;
import org.sipmq.proxy.internal.StackLogLines.Malformed;

/** The lines are those jain-sip-ri 1.3.0-91 logged during bench/flood.py. */
class StackLogLinesTest {
    @Test
    void tcpMalformedMandatoryHeaderNamesThePeer() {
        Malformed m = StackLogLines.malformed(
                "Malformed mandatory headers: closing socket! :Socket[addr=/127.0.0.1,port=40112,localport=5060]",
                null, "PipelineThread-7");
        assertThat(m.reason()).isEqualTo(Reason.BAD_HEADER);
        assertThat(m.transport()).isEqualTo(Transport.TCP);
        assertThat(m.host()).isEqualTo("127.0.0.1");
        assertThat(m.port()).isEqualTo(40112);
    }

    @Test
    void udpPacketWithoutCSeqIsAMissingHeader() {
        NullPointerException npe = new NullPointerException("Cannot invoke \"javax.sip.header.CSeqHeader.getMethod()\""
                + " because the return value of \"gov.nist.javax.sip.message.SIPRequest.getCSeqHeader()\" is null");
        npe.setStackTrace(new StackTraceElement[]{new StackTraceElement("gov.nist.javax.sip.stack.UDPMessageChannel",
                "processMessage", "UDPMessageChannel.java", 600)});
        Malformed m = StackLogLines.malformed("Error while processing incoming UDP packet[73, 78, 86]", npe,
                "sipmq-proxy-1-UDPMessageChannelThread-0");
        assertThat(m.reason()).isEqualTo(Reason.MISSING_HEADER);
        assertThat(m.transport()).isEqualTo(Transport.UDP);
        assertThat(m.host()).isNull();
        assertThat(m.port()).isEqualTo(-1);
    }

    @Test
    void udpParseFailureIsUnparsable() {
        ParseException pe = new ParseException("bad", 0);
        pe.setStackTrace(new StackTraceElement[]{new StackTraceElement("gov.nist.javax.sip.parser.StringMsgParser",
                "parseSIPMessage", "StringMsgParser.java", 1)});
        assertThat(StackLogLines.malformed("Error while processing incoming UDP packet[1]", pe, "t").reason())
                .isEqualTo(Reason.UNPARSABLE);
    }

    @Test
    void anExceptionThroughTheProxysCodeStaysAnError() {
        NullPointerException npe = new NullPointerException("getCSeq() is null");
        npe.setStackTrace(new StackTraceElement[]{new StackTraceElement(RealSipProxy.class.getName(),
                "processRequest", "RealSipProxy.java", 1),
                new StackTraceElement(
                        "gov.nist.javax.sip.stack.UDPMessageChannel", "run", "UDPMessageChannel.java", 1)});
        assertThat(StackLogLines.malformed("Error while processing incoming UDP packet[1]", npe, "t")).isNull();
        assertThat(StackLogLines.malformed("Error while processing incoming UDP packet[1]", null, "t")).isNull();
    }

    @Test
    void otherErrorsAreNotMalformedInput() {
        assertThat(StackLogLines.malformed("Could not connect to /127.0.0.1:9", null, "PipelineThread-1")).isNull();
        assertThat(StackLogLines.malformed(null, null, "t")).isNull();
        assertThat(StackLogLines.companion("Problem sending: sendBytes TCP inAddr 127.0.0.1 port = 9")).isFalse();
    }

    @Test
    void droppedMessagesCountAsMissingHeaderOnTheThreadsTransport() {
        assertThat(StackLogLines.malformed("bad message INVITE sip:x SIP/2.0", null, "PipelineThread-2"))
                .isEqualTo(new Malformed(Reason.MISSING_HEADER, Transport.TCP, null, -1,
                        "no From, To, Call-ID, CSeq or Via"));
        assertThat(StackLogLines.malformed("bad message x", null, "s-UDPMessageChannelThread-0").transport())
                .isEqualTo(Transport.UDP);
        assertThat(StackLogLines.malformed("Exception Reading Content", new java.io.IOException("eof"),
                "PipelineThread-2").reason()).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void socketTableDumpAndSecondLinesAreCompanions() {
        assertThat(StackLogLines.companion("{127.0.0.1:5060=Socket[addr=/127.0.0.1,port=5060,localport=1]}"))
                .isTrue();
        assertThat(StackLogLines.companion(">>> Dropped Bad Msg From = null")).isTrue();
        assertThat(StackLogLines.companion("{}")).as("an empty table").isTrue();
        assertThat(StackLogLines.companion("{not a table")).isFalse();
    }

    @Test
    void aFailedTcpSendIsOneEventWithCompanionLines() {
        assertThat(StackLogLines.tcpConnectFailure("Could not connect to /127.0.0.1:9")).isEqualTo("/127.0.0.1:9");
        assertThat(StackLogLines.tcpConnectFailure("Could not create a message channel")).isNull();
        for (String line : List.of("Problem connecting /127.0.0.1 48840 /127.0.0.1 for message SIP/2.0 100 Trying",
                "Problem sending: sendBytes TCP inAddr 127.0.0.1 port = 9 remoteHost 127.0.0.1 remotePort 48840",
                "Couldn't connect to peerAddress = /127.0.0.1 peerPort = 48840 key = tcp:127.0.0.1:48840 retrying",
                "Failed to connect /127.0.0.1:48840 but trying the advertised port=9 if it's different",
                "There was an exception for the retry mechanism so not creating a new thread",
                "retry suceeded to peerAddress = /127.0.0.1 peerPortAdvertisedInHeaders = 9",
                "A problem occured while trying to send a single CLRF in response to a double CLRF")) {
            assertThat(StackLogLines.tcpSendCompanion(line, null)).as(line).isTrue();
        }
        assertThat(StackLogLines.tcpSendCompanion("Error is ", new java.io.IOException("x"))).isTrue();
        assertThat(StackLogLines.tcpSendCompanion("Error is ", new IllegalStateException("x"))).isFalse();
        assertThat(StackLogLines.tcpSendCompanion("Problem sending: sendBytes UDP", null)).isFalse();
    }

    @Test
    void theDatagramsBytesAreLeftOutOfARealError() {
        assertThat(StackLogLines.withoutPacket("Error while processing incoming UDP packet[73, 78, -1, 0]"))
                .isEqualTo("Error while processing incoming UDP packet (4 bytes)");
        assertThat(StackLogLines.withoutPacket("other [1, 2]")).isEqualTo("other [1, 2]");
    }
}
