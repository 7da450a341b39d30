package org.sipmq.proxy.internal;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
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
 * The stack's message processors (property {@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY}): the stock ones,
 * except that a UDP listening point receives into one reused buffer. The stock UDP processor allocates a new buffer
 * of the largest datagram size (64 KiB) for every datagram it reads, so a proxy at a few thousand calls per second
 * allocates gigabytes per second only to zero them; this one copies each datagram out at its own length (a SIP
 * message is typically under 1 KiB) and hands it to the same queue and processing threads as the stock one.
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

        /** The same list as the stock (raw) {@code messageChannels}, which stop() walks even before run() starts. */
        private final LinkedList<UDPMessageChannel> channels = new LinkedList<>();

        ReusingBufferProcessor(InetAddress address, SIPTransactionStack stack, int port) throws IOException {
            super(address, stack, port);
            this.messageChannels = channels;
        }

        /** The receive buffer the kernel gave the socket ({@code SO_RCVBUF} as read back, capped at net.core.rmem_max). */
        int receiveBufferBytes() throws SocketException {
            return sock.getReceiveBufferSize();
        }

        @Override
        public void run() {
            String name = ((SipStackImpl) sipStack).getStackName() + "-UDPMessageChannelThread-";
            for (int i = 0; i < StackProperties.UDP_THREADS; i++) {
                channels.add(new ProcessingThread(sipStack, this, name + i));
            }
            byte[] buffer = new byte[Math.min(sipStack.getMaxMessageSize(), SipStackImpl.MAX_DATAGRAM_SIZE)];
            DatagramPacket in = new DatagramPacket(buffer, buffer.length);
            while (isRunning) {
                try {
                    in.setLength(buffer.length);
                    sock.receive(in);
                    int length = in.getLength();
                    DatagramPacket copy = new DatagramPacket(Arrays.copyOf(buffer, length), length, in
                            .getSocketAddress());
                    messageQueue.offer(new DatagramQueuedMessageDispatch(copy, System.currentTimeMillis()));
                } catch (SocketTimeoutException e) {
                    // only when the stack's thread auditor sets a timeout: nothing to do
                } catch (SocketException e) {
                    if (!isRunning) {
                        return; // stop() closed the socket
                    }
                    log.warn("UDP receive on {}:{} failed: {}", getIpAddress().getHostAddress(), getPort(), e
                            .toString());
                } catch (IOException | RuntimeException e) {
                    log.warn("UDP receive on {}:{} failed: {}", getIpAddress().getHostAddress(), getPort(), e
                            .toString());
                }
            }
        }
    }

    /** The stock processing thread: parses a queued datagram and hands it to the transaction layer. */
    private static final class ProcessingThread extends UDPMessageChannel {
        ProcessingThread(SIPTransactionStack stack, UDPMessageProcessor processor, String threadName) {
            super(stack, processor, threadName);
        }
    }
}
