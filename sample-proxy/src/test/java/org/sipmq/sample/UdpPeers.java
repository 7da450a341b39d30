package org.sipmq.sample;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Raw SIP over UDP on 127.0.0.1, for messages SIPp will not build (a 61 KB Call-ID, an 8 KB To URI): a callee that
 * answers every INVITE with 486 Busy Here, and a caller that sends INVITEs through the proxy. Each owns one socket and
 * (the callee) one daemon thread; {@link #close()} ends them.
 */
final class UdpPeers implements AutoCloseable {
    private final DatagramSocket callee;
    private final DatagramSocket caller;
    private final Thread answering;
    private final AtomicInteger invitesAnswered = new AtomicInteger();

    UdpPeers() throws SocketException {
        callee = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        caller = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        callee.setReceiveBufferSize(1 << 20);
        answering = new Thread(this::answer, "udp-busy-callee");
        answering.setDaemon(true);
        answering.start();
    }

    int calleePort() {
        return callee.getLocalPort();
    }

    /** INVITEs the callee received and answered 486 (retransmissions included). */
    int invitesAnswered() {
        return invitesAnswered.get();
    }

    /** Sends a new call's INVITE to {@code sip:busy@callee} through the proxy, with these Call-ID and To URI. */
    void invite(int proxyPort, String callId, String toUri, int n) throws IOException {
        String me = "127.0.0.1:" + caller.getLocalPort();
        String msg = "INVITE sip:busy@127.0.0.1:" + calleePort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + me + ";branch=z9hG4bK-poison-" + n + "-" + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:poison@127.0.0.1>;tag=p" + n + "\r\n"
                + "To: <" + toUri + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:poison@" + me + ">\r\n"
                + "Content-Length: 0\r\n\r\n";
        byte[] b = msg.getBytes(StandardCharsets.UTF_8);
        caller.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", proxyPort)));
    }

    private void answer() {
        byte[] buf = new byte[65_535];
        while (!callee.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                callee.receive(p);
                String request = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                if (!request.startsWith("INVITE ")) {
                    continue; // the proxy's ACK of our 486
                }
                byte[] response = busy(request).getBytes(StandardCharsets.UTF_8);
                callee.send(new DatagramPacket(response, response.length, p.getSocketAddress()));
                invitesAnswered.incrementAndGet();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** 486 for a request: its Vias in order, From, To with a tag, Call-ID and CSeq, as RFC 3261 8.2.6 says. */
    private static String busy(String request) {
        List<String> copied = new ArrayList<>();
        for (String line : request.split("\r\n")) {
            String name = line.contains(":") ? line.substring(0, line.indexOf(':')).strip().toLowerCase() : "";
            switch (name) {
                case "via", "v", "from", "f", "call-id", "i", "cseq" -> copied.add(line);
                case "to", "t" -> copied.add(line + ";tag=busy");
                default -> {
                }
            }
        }
        return "SIP/2.0 486 Busy Here\r\n" + String.join("\r\n", copied) + "\r\nContent-Length: 0\r\n\r\n";
    }

    @Override
    public void close() {
        callee.close();
        caller.close();
        try {
            answering.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
