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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    /**
     * A UDP processor whose reading thread reuses its receive buffer and, while it keeps up, runs the proxy's work for
     * each datagram itself ({@code here}); past a share of its time it lets the proxy's workers run the routing. A
     * reading thread held longer than {@link #TAKEOVER_MILLIS} by one datagram (a hook that blocks) is replaced by a new
     * one, so that the socket is always read: see {@link #takeOverIfStuck}.
     */
    static final class ReusingBufferProcessor extends UDPMessageProcessor {
        private static final Logger log = LoggerFactory.getLogger(ReusingBufferProcessor.class);
        /** How long one datagram may hold the reading thread before another thread reads the socket. */
        static final long TAKEOVER_MILLIS = 100;
        /** The reading thread measures its busy share over windows of this length. */
        private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
        /** Busy share above which a reader running the work itself lets the workers run it... */
        private static final double OFFLOAD_ABOVE = 0.8;
        /** ...and below which (its share while the workers run the routing) it takes the work back. */
        private static final double INLINE_BELOW = 0.25;

        /** The same list as the stock (raw) {@code messageChannels}, which stop() walks; it stays empty. */
        private final LinkedList<UDPMessageChannel> channels = new LinkedList<>();
        private final AtomicInteger takeovers = new AtomicInteger();
        private final SampledWarn takeoverWarn = new SampledWarn(System::nanoTime, log::warn);
        private volatile StackValve.Inbound inbound;
        private volatile Listener listener;
        private volatile Reader current;
        private volatile String threadName;
        private long watchedSince; // the datagram the last takeOverIfStuck saw the reader in (its busySince), or 0
        private int watchedRounds; // how many calls in a row saw it

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

        /** Reading threads started because one was held too long, since the start. */
        int takeovers() {
            return takeovers.get();
        }

        /**
         * When the reading thread has been inside one datagram's work for {@code rounds} calls in a row, starts another
         * that reads the socket from now on; the held one ends once its work returns. Called periodically, on one
         * thread. Counting the calls that saw the same datagram, rather than the time since it arrived, leaves out a
         * pause of the whole JVM (a full GC stops this caller too, and counts once): a takeover after a pause would
         * only let two threads read at once, and the datagram the paused one held could then be handled after a later
         * one of the same call (a 180 after its 200).
         */
        void takeOverIfStuck(long now, int rounds) {
            Reader r = current;
            long since = r == null ? 0 : r.busySince;
            if (!isRunning || since == 0) {
                watchedSince = 0;
                return;
            }
            if (since != watchedSince) {
                watchedSince = since;
                watchedRounds = 1;
                return;
            }
            if (++watchedRounds < rounds) {
                return;
            }
            watchedSince = 0;
            Reader next = new Reader();
            current = next;
            int n = takeovers.incrementAndGet();
            String held = r.thread.getName();
            long ms = TimeUnit.NANOSECONDS.toMillis(now - since);
            takeoverWarn.offer(skipped -> "UDP " + getIpAddress().getHostAddress() + ":" + getPort()
                    + ": the reading thread " + held + " has been held by one datagram for " + ms + " ms (a routing"
                    + " hook that blocks, or a machine out of CPU): thread " + threadName + "-" + n + " reads the"
                    + " socket from now on; " + n + " such takeovers since the start, " + skipped
                    + " since the last such line");
            Thread t = new Thread(next, threadName + "-" + n);
            t.setDaemon(true);
            next.thread = t;
            t.start();
        }

        @Override
        public void run() {
            threadName = Thread.currentThread().getName();
            Reader first = new Reader();
            first.thread = Thread.currentThread();
            current = first;
            first.run();
        }

        /** One reading thread: receives into its own buffer until the processor stops or another reader replaced it. */
        private final class Reader implements Runnable {
            volatile long busySince; // 0 while receiving
            volatile Thread thread;

            @Override
            public void run() {
                byte[] buffer = new byte[Math.min(sipStack.getMaxMessageSize(), SipStackImpl.MAX_DATAGRAM_SIZE)];
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                boolean here = true;
                long windowStart = System.nanoTime();
                long busy = 0;
                while (isRunning && current == this) {
                    try {
                        in.setLength(buffer.length);
                        sock.receive(in);
                        long t0 = System.nanoTime();
                        busySince = t0;
                        StackValve.Inbound to = inbound;
                        if (to != null) {
                            to.datagram(listener, Arrays.copyOf(buffer, in.getLength()), (java.net.InetSocketAddress) in
                                    .getSocketAddress(), here);
                        }
                        long t1 = System.nanoTime();
                        busySince = 0;
                        busy += t1 - t0;
                        if (t1 - windowStart >= WINDOW_NANOS) {
                            double share = (double) busy / (t1 - windowStart);
                            here = here ? share < OFFLOAD_ABOVE : share < INLINE_BELOW;
                            windowStart = t1;
                            busy = 0;
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
                    } finally {
                        busySince = 0;
                    }
                }
            }
        }
    }
}
