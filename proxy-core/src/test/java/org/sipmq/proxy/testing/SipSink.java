package org.sipmq.proxy.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw SIP peer on 127.0.0.1, UDP and TCP on one port, that answers nothing and records everything: the
 * Request-URI (and Via) of {@link MalformedMessages}, so that whatever a proxy forwards of them is seen. TCP streams
 * are cut into messages by their Content-Length. A message of {@code MalformedMessages} is "forwarded" when it arrives
 * as a request, or as a response of kind {@code stray_response}; other responses are the proxy's answers.
 */
public final class SipSink implements AutoCloseable {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^(?:content-length|l)[ \\t]*:[ \\t]*(\\d+)");
    private static final Pattern CALL_ID = Pattern.compile("(?im)^(?:call-id|i)[ \\t]*:[ \\t]*(\\S+)");

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>(100_000);
    private final Map<String, Set<String>> forwarded = new ConcurrentHashMap<>();
    private final Map<String, String> examples = new ConcurrentHashMap<>();

    private SipSink() throws IOException {
        int port = FreePorts.udpAndTcp();
        udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
        tcp = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"));
        daemon("sip-sink-udp", this::readUdp);
        daemon("sip-sink-tcp", this::accept);
    }

    public static SipSink start() {
        try {
            return new SipSink();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the SIP sink", e);
        }
    }

    /** {@code 127.0.0.1:port}. */
    public String address() {
        return "127.0.0.1:" + udp.getLocalPort();
    }

    /** Sends a datagram from the sink's own port (the one its address names). */
    public void send(byte[] message, int port) throws IOException {
        udp.send(new DatagramPacket(message, message.length, new InetSocketAddress("127.0.0.1", port)));
    }

    /** The next message received, waiting up to {@code timeout}; null when none came. */
    public String poll(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** "kind over transport" -> distinct Call-IDs of the malformed messages that reached the sink. */
    public Map<String, Set<String>> forwarded() {
        return new TreeMap<>(forwarded);
    }

    /** The first line of the first forwarded message of this "kind over transport". */
    public String example(String key) {
        return examples.get(key);
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // closing a server socket
        }
    }

    private void readUdp() {
        byte[] buf = new byte[65536];
        while (!udp.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (IOException e) {
                return; // closed
            }
            record(new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1));
        }
    }

    private void accept() {
        while (!tcp.isClosed()) {
            try {
                Socket s = tcp.accept();
                daemon("sip-sink-tcp-read", () -> readTcp(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void readTcp(Socket s) {
        try (s) {
            byte[] buf = new byte[65536];
            StringBuilder stream = new StringBuilder();
            for (int k; (k = s.getInputStream().read(buf)) > 0;) {
                stream.append(new String(buf, 0, k, StandardCharsets.ISO_8859_1));
                for (String m; (m = nextMessage(stream)) != null;) {
                    record(m);
                }
            }
        } catch (IOException e) {
            // the peer closed it
        }
    }

    /** Takes the first complete message off a TCP stream, framed by its Content-Length; null when none is complete. */
    static String nextMessage(StringBuilder stream) {
        int lead = 0;
        while (lead < stream.length() && (stream.charAt(lead) == '\r' || stream.charAt(lead) == '\n')) {
            lead++; // CRLF between messages: a keep-alive (RFC 5626 4.4.1), not part of the next one
        }
        stream.delete(0, lead);
        int end = stream.indexOf("\r\n\r\n");
        if (end < 0) {
            return null;
        }
        Matcher m = CONTENT_LENGTH.matcher(stream.substring(0, end));
        int total = end + 4 + (m.find() ? Integer.parseInt(m.group(1)) : 0);
        if (stream.length() < total) {
            return null;
        }
        String message = stream.substring(0, total);
        stream.delete(0, total);
        return message;
    }

    private void record(String text) {
        received.offer(text);
        Matcher m = CALL_ID.matcher(text);
        String callId = m.find() ? m.group(1) : "?";
        if (!callId.startsWith("flood-")) {
            return;
        }
        String kind = callId.substring(6, Math.max(6, callId.indexOf('-', 6)));
        if (text.startsWith("SIP/2.0 ") && !kind.equals("stray_response")) {
            return; // an answer to one of them
        }
        String transport = callId.endsWith("@tcp.flood") ? "tcp" : "udp";
        String key = kind + " over " + transport;
        forwarded.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(callId);
        String first = text.lines().findFirst().orElse("");
        examples.putIfAbsent(key, first.substring(0, Math.min(first.length(), 70)));
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
