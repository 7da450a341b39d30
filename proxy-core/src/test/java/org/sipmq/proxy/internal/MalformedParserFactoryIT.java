package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.internal.MalformedInput.Reason;
import org.sipmq.proxy.internal.MalformedInput.Transport;
import org.sipmq.proxy.testing.FreePorts;
import org.sipmq.proxy.testing.MalformedMessages;

/**
 * A real JAIN-SIP stack on 127.0.0.1 parsing with {@link MalformedParserFactory} (property
 * {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}) and logging with {@link Slf4jStackLogger}: each malformed message
 * is counted once, with its reason, transport and source, whichever of the two sees it.
 */
class MalformedParserFactoryIT {
    private static final String STACK = "malformed-parser-it";
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final MalformedInput input = new MalformedInput(new SimpleMeterRegistry(), System::nanoTime, lines::add);
    private final int port = FreePorts.udpAndTcp();
    private StackShutdown shutdown;

    @AfterEach
    void tearDown() {
        if (shutdown != null) {
            shutdown.stop();
        }
        MalformedInput.unregister(STACK);
    }

    private void startStack() throws Exception {
        MalformedInput.register(STACK, input);
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", STACK);
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", MalformedParserFactory.class.getName());
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        shutdown = StackShutdown.create(() -> factory.createSipStack(p));
        SipStack stack = shutdown.stack();
        Ignore listener = new Ignore(); // one per stack
        for (String t : List.of("udp", "tcp")) {
            stack.createSipProvider(stack.createListeningPoint("127.0.0.1", port, t)).addSipListener(listener);
        }
        stack.start();
    }

    @Test
    void badCSeqOverUdpAndTcpIsCountedOnceEachWithItsSource() throws Exception {
        startStack();
        MalformedMessages udp = new MalformedMessages("127.0.0.1:9", "127.0.0.1:9", "UDP");
        MalformedMessages tcp = new MalformedMessages("127.0.0.1:9", "127.0.0.1:9", "TCP");
        int udpPort;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            udpPort = s.getLocalPort();
            byte[] m = udp.request("cseq_not_a_number", 1).header("CSeq", "one INVITE").bytes();
            s.send(new DatagramPacket(m, m.length, new InetSocketAddress("127.0.0.1", port)));
        }
        awaitCount(Reason.BAD_CSEQ, Transport.UDP); // first, so that the one sampled line is the datagram's
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(tcp.request("cseq_not_a_number", 2).header("CSeq", "one INVITE").bytes());
            out.flush();
            awaitCount(Reason.BAD_CSEQ, Transport.TCP);
        }
        assertThat(input.count(Reason.BAD_HEADER, Transport.TCP)).as("the stack's closing line is not counted again")
                .isZero();
        assertThat(input.count(Reason.BAD_CSEQ, Transport.UDP)).isEqualTo(1.0);
        assertThat(input.count(Reason.BAD_CSEQ, Transport.TCP)).isEqualTo(1.0);
        // jain-sip-ri's UDP channel knows the datagram's source port only after parsing it
        assertThat(lines.get(0)).startsWith("malformed SIP message from 127.0.0.1 over udp: bad_cseq (CSeq: ");
        assertThat(udpPort).isPositive();
    }

    @Test
    void garbageMaxForwardsIsCountedAndTheMessageGoesOn() throws Exception {
        startStack();
        MalformedMessages udp = new MalformedMessages("127.0.0.1:9", "127.0.0.1:9", "UDP");
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] m = udp.request("max_forwards_garbage", 1).method("OPTIONS").header("Max-Forwards", "lots").bytes();
            s.send(new DatagramPacket(m, m.length, new InetSocketAddress("127.0.0.1", port)));
        }
        awaitCount(Reason.BAD_MAX_FORWARDS, Transport.UDP);
    }

    private void awaitCount(Reason reason, Transport transport) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (input.count(reason, transport) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10); // bounded wait for the stack's reading thread
        }
        assertThat(input.count(reason, transport)).as(reason + " over " + transport).isEqualTo(1.0);
    }

    /** A listener that does nothing: the stack answers nothing by itself. */
    private static final class Ignore implements SipListener {
        @Override
        public void processRequest(RequestEvent e) {
        }

        @Override
        public void processResponse(ResponseEvent e) {
        }

        @Override
        public void processTimeout(TimeoutEvent e) {
        }

        @Override
        public void processIOException(IOExceptionEvent e) {
        }

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent e) {
        }

        @Override
        public void processDialogTerminated(DialogTerminatedEvent e) {
        }
    }
}
