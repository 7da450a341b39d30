package org.sipmq.proxy.internal;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.OIOMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageChannel;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.LinkedList;
import javax.sip.ListeningPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's message processors (property {@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY}): the stock ones for
 * TCP; for UDP, one whose reading thread receives every datagram into one reused buffer and hands a copy of exactly
 * its length to the proxy ({@link StackValve.Inbound#datagram}), which parses it and runs its transaction layer. The
 * stock UDP processor allocates a new 64 KiB buffer per datagram and queues it to a second thread that runs the stack's
 * own transactions: a hand-off and a 64 KiB allocation per datagram that the proxy does not need.
 */
public final class UdpProcessorFactory implements MessageProcessorFactory {
    private final OIOMessageProcessorFactory stock = new OIOMessageProcessorFactory();

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
            String transport) throws IOException {
        if (!ListeningPoint.UDP.equalsIgnoreCase(transport)) {
            return stock.createMessageProcessor(stack, address, port, transport);
        }
        sendFromListeningSockets(stack);
        return new ReusingBufferProcessor(address, stack, port);
    }

    /**
     * The stock factory sets the stack's package-private {@code udpFlag} when it creates a UDP processor; without it
     * the stack opens a new socket for every datagram it sends instead of sending from the listening point's socket.
     */
    private static void sendFromListeningSockets(SIPTransactionStack stack) {
        try {
            Field f = SIPTransactionStack.class.getDeclaredField("udpFlag");
            f.setAccessible(true);
            f.setBoolean(stack, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("jain-sip-ri has no SIPTransactionStack.udpFlag (expected in 1.3.0-91): "
                    + "cannot use the proxy's UDP processor", e);
        }
    }

    /** A UDP processor whose reading thread reuses its receive buffer. */
    static final class ReusingBufferProcessor extends UDPMessageProcessor {
        private static final Logger log = LoggerFactory.getLogger(ReusingBufferProcessor.class);

        /** The same list as the stock (raw) {@code messageChannels}, which stop() walks; it stays empty. */
        private final LinkedList<UDPMessageChannel> channels = new LinkedList<>();
        private volatile StackValve.Inbound inbound;
        private volatile Listener listener;

        ReusingBufferProcessor(InetAddress address, SIPTransactionStack stack, int port) throws IOException {
            super(address, stack, port);
            this.messageChannels = channels;
        }

        /** The receive buffer the kernel gave the socket ({@code SO_RCVBUF} as read back, capped at net.core.rmem_max). */
        int receiveBufferBytes() throws SocketException {
            return sock.getReceiveBufferSize();
        }

        /** The socket every datagram of this listening point is received on and sent from. */
        java.net.DatagramSocket socket() {
            return sock;
        }

        /** Where datagrams go from now on; until this is called they are dropped (the proxy is starting). */
        void deliverTo(StackValve.Inbound inbound, Listener listener) {
            this.listener = listener;
            this.inbound = inbound;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[Math.min(sipStack.getMaxMessageSize(), SipStackImpl.MAX_DATAGRAM_SIZE)];
            DatagramPacket in = new DatagramPacket(buffer, buffer.length);
            while (isRunning) {
                try {
                    in.setLength(buffer.length);
                    sock.receive(in);
                    StackValve.Inbound to = inbound;
                    if (to != null) {
                        to.datagram(listener, Arrays.copyOf(buffer, in.getLength()), (java.net.InetSocketAddress) in
                                .getSocketAddress());
                    }
                } catch (SocketTimeoutException e) {
                    // only when the stack's thread auditor sets a timeout: nothing to do
                } catch (SocketException e) {
                    if (!isRunning) {
                        return; // stop() closed the socket
                    }
                    log.warn("UDP receive on {}:{} failed: {}", getIpAddress().getHostAddress(), getPort(), e
                            .toString());
                } catch (IOException e) {
                    log.warn("UDP receive on {}:{} failed: {}", getIpAddress().getHostAddress(), getPort(), e
                            .toString());
                } catch (RuntimeException | StackOverflowError e) {
                    // whatever one datagram does to the parser or the proxy, the listening point keeps reading
                    log.error("UDP datagram on {}:{} could not be handled", getIpAddress().getHostAddress(),
                            getPort(), e);
                }
            }
        }
    }
}
