package org.sipmq.proxy.internal;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import javax.sip.address.Hop;

/**
 * One listening point of the proxy: its address, and what sends from it. A UDP listener sends datagrams from its own
 * socket (the one the proxy's reading thread receives on); a TCP listener has the stack open, cache and read its
 * connections.
 */
final class Listener {
    final String transport; // lower case: "udp" or "tcp"
    final String ip;
    final int port;
    private final DatagramSocket udp;
    private final SIPTransactionStack stack;
    private final StripedExecutor writers;
    private final WriteFailure onWriteFailure;

    /** A write that failed on a writer thread, where no caller is left to tell. */
    interface WriteFailure {
        void failed(SIPMessage message, String peer, Exception e);
    }

    private Listener(String transport, String ip, int port, DatagramSocket udp, SIPTransactionStack stack,
            StripedExecutor writers, WriteFailure onWriteFailure) {
        this.transport = transport;
        this.ip = ip;
        this.port = port;
        this.udp = udp;
        this.stack = stack;
        this.writers = writers;
        this.onWriteFailure = onWriteFailure;
    }

    static Listener udp(String ip, int port, DatagramSocket socket) {
        return new Listener("udp", ip, port, socket, null, null, null);
    }

    /**
     * A TCP listening point; responses go out on {@code writers}, one stripe per peer, so that a peer that does not
     * read its connection blocks a writer, never the thread that answered it.
     */
    static Listener tcp(String ip, int port, SIPTransactionStack stack, StripedExecutor writers,
            WriteFailure onWriteFailure) {
        return new Listener("tcp", ip, port, null, stack, writers, onWriteFailure);
    }

    boolean reliable() {
        return udp == null;
    }

    /** Where a message sent from this listening point to {@code hop} goes; may open a TCP connection. */
    Link linkTo(Hop hop) throws IOException {
        int p = hop.getPort() > 0 ? hop.getPort() : 5060;
        if (udp != null) {
            return new UdpLink(this, new InetSocketAddress(hop.getHost(), p));
        }
        MessageChannel channel = stack.createRawMessageChannel(ip, port, hop);
        if (channel == null) {
            throw new IOException("no TCP channel from " + this + " to " + hop.getHost() + ":" + p);
        }
        return new TcpLink(this, channel, false);
    }

    /** Responses to {@code channel}, the connection a request came in on: written by the peer's writer. */
    Link answering(MessageChannel channel) {
        return new TcpLink(this, channel, true);
    }

    /** Responses upstream to {@code hop} (statelessly forwarded), written by the peer's writer. */
    Link answeringTo(Hop hop) throws IOException {
        return new TcpLink(this, ((TcpLink) linkTo(hop)).channel, true);
    }

    private void writeLater(MessageChannel channel, SIPMessage message) {
        String peer = channel.getPeerAddress() + ":" + channel.getPeerPort();
        if (!writers.execute(peer, () -> { // bounded: a peer that never reads cannot fill the heap
            try {
                channel.sendMessage(message);
            } catch (IOException | RuntimeException e) {
                onWriteFailure.failed(message, peer, e);
            }
        })) {
            onWriteFailure.failed(message, peer, new IOException("the TCP writer is full or stopped"));
        }
    }

    /** Where a message sent from this UDP listening point to {@code host:port} goes. */
    Link datagramsTo(InetSocketAddress to) {
        return new UdpLink(this, to);
    }

    void sendDatagram(byte[] bytes, InetSocketAddress to) throws IOException {
        udp.send(new DatagramPacket(bytes, bytes.length, to));
    }

    @Override
    public String toString() {
        return transport + ":" + ip + ":" + port;
    }

    /** A peer reached by datagrams from a UDP listening point. */
    record UdpLink(Listener from, InetSocketAddress to) implements Link {
        @Override
        public byte[] send(SIPMessage message) throws IOException {
            byte[] bytes = message.encodeAsBytes("UDP");
            from.sendDatagram(bytes, to);
            return bytes;
        }

        @Override
        public void resend(SIPMessage message, byte[] encoded) throws IOException {
            from.sendDatagram(encoded, to);
        }

        @Override
        public boolean reliable() {
            return false;
        }

        @Override
        public String toString() {
            return "udp:" + to.getHostString() + ":" + to.getPort();
        }
    }

    /**
     * A peer on a TCP connection of the stack's (the one a request came in on, or one opened to a next hop). Requests
     * downstream are written by the sending thread, so that a failure ends the branch at once (503); responses
     * upstream ({@code async}) by the peer's writer.
     */
    record TcpLink(Listener from, MessageChannel channel, boolean async) implements Link {
        @Override
        public byte[] send(SIPMessage message) throws IOException {
            if (async) {
                from.writeLater(channel, message);
            } else {
                channel.sendMessage(message);
            }
            return null;
        }

        @Override
        public void resend(SIPMessage message, byte[] encoded) throws IOException {
            send(message);
        }

        @Override
        public boolean reliable() {
            return true;
        }

        @Override
        public String toString() {
            return "tcp:" + channel.getPeerAddress() + ":" + channel.getPeerPort();
        }
    }
}
