package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.ProxyModule;
import org.sipmq.proxy.admin.AdminEndpoint;
import org.sipmq.proxy.admin.AdminModule;
import org.sipmq.proxy.testing.AdminClient;
import org.sipmq.proxy.testing.MalformedMessages;
import org.sipmq.proxy.testing.PrometheusText;
import org.sipmq.proxy.testing.SipSink;
import org.sipmq.proxy.testing.TestProxy;
import org.sipmq.proxy.testing.TestUserAgent;
import org.slf4j.LoggerFactory;

/**
 * A bounded flood of malformed messages (the kinds of {@code bench/flood.py}: 300 datagrams/s over UDP and 300
 * messages/s over TCP for 3 s) against a real proxy on 127.0.0.1, with an {@code OPTIONS} Max-Forwards 0 probe every
 * 100 datagrams and real calls placed meanwhile. Every malformed request names a raw "sink" socket as its
 * Request-URI, so that whatever the proxy forwards of them is seen. Bounds are generous: this tests correctness, the
 * timing belongs to the bench.
 */
class FloodIT {
    private static final int RATE = 300;
    private static final int SECONDS = 3;
    private static final int PROBE_EVERY = 100;
    private static final int TCP_CONNECTIONS = 4;
    private static final long PROBE_BOUND_MILLIS = 2_000;
    private static final int CALLS = 3;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private TestProxy proxy;
    private TestUserAgent alice;
    private TestUserAgent bob;
    private SipSink sink;

    @BeforeEach
    void setUp() throws Exception {
        proxy = TestProxy.startWith("admin.listen = 127.0.0.1:0\n", ProxyModule.builder().build(), new AdminModule());
        alice = TestUserAgent.start("alice");
        bob = TestUserAgent.start("bob");
        closeables.add(alice);
        closeables.add(bob);
        alice.useProxy(proxy.port(), "udp");
        sink = SipSink.start();
        closeables.add(sink);
        logged.start();
        root().addAppender(logged);
    }

    @AfterEach
    void tearDown() throws Exception {
        root().detachAppender(logged);
        for (AutoCloseable c : closeables) {
            c.close();
        }
        proxy.close();
    }

    private static ch.qos.logback.classic.Logger root() {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Test
    void probesAndCallsGetThroughAFloodOfMalformedMessagesAndNothingMalformedIsForwarded() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "flood-it");
            t.setDaemon(true);
            return t;
        });
        try (DatagramSocket flood = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                DatagramSocket probes = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            String target = "127.0.0.1:" + proxy.port();
            Map<Integer, Long> probeSent = new ConcurrentHashMap<>();
            Map<Integer, long[]> probeAnswered = new ConcurrentHashMap<>(); // n -> {millis, code}
            Future<?> probeReader = pool.submit(() -> readProbes(probes, probeSent, probeAnswered, SECONDS + 4));
            Future<?> udp = pool.submit(() -> floodUdp(flood, probes, target, probeSent));
            Future<Map<String, Integer>> tcp = pool.submit(() -> floodTcp());

            List<String> callProblems = new ArrayList<>();
            Thread.sleep(300);
            for (int i = 0; i < CALLS; i++) {
                callProblems.addAll(call(i));
            }
            udp.get(SECONDS + 10, TimeUnit.SECONDS);
            Map<String, Integer> tcpSent = tcp.get(SECONDS + 10, TimeUnit.SECONDS);
            probeReader.get(SECONDS + 10, TimeUnit.SECONDS);
            Thread.sleep(500); // the last forwarded ones on their way to the sink

            SoftAssertions softly = new SoftAssertions();
            List<String> unanswered = new ArrayList<>();
            for (int n : new TreeMap<>(probeSent).keySet()) {
                long[] a = probeAnswered.get(n);
                if (a == null) {
                    unanswered.add("probe " + n + " unanswered");
                } else if (a[0] > PROBE_BOUND_MILLIS || (a[1] != 483 && a[1] != 200)) {
                    unanswered.add("probe " + n + " answered " + a[1] + " after " + a[0] + " ms");
                }
            }
            softly.assertThat(probeSent).as("probes sent").hasSize(RATE * SECONDS / PROBE_EVERY);
            softly.assertThat(unanswered).as("probes not answered 483/200 within " + PROBE_BOUND_MILLIS + " ms (of "
                    + probeSent.size() + ")").isEmpty();
            softly.assertThat(callProblems).as("calls placed during the flood").isEmpty();
            Map<String, String> got = new TreeMap<>();
            sink.forwarded().forEach((k, ids) -> got.put(k, ids.size() + " (e.g. " + sink.example(k) + ")"));
            softly.assertThat(got).as("malformed messages the proxy forwarded to the sink, by kind: distinct Call-IDs")
                    .isEmpty();
            softly.assertThat(tcpSent).as("TCP messages sent").isNotEmpty();

            PrometheusText metrics = new AdminClient(proxy.app().injector().getInstance(AdminEndpoint.class)
                    .address(), null).metrics();
            Map<String, Double> malformed = new TreeMap<>();
            metrics.samples().forEach((series, v) -> {
                if (series.startsWith("sipmq_sip_malformed_total{") && v > 0) {
                    malformed.put(series, v);
                }
            });
            for (String reason : List.of("unparsable", "missing_header", "bad_cseq", "bad_via", "content_length",
                    "bad_start_line", "stray_response")) {
                softly.assertThat(malformed).as("UDP malformed counters by reason (all: %s)", malformed).containsKey(
                        "sipmq_sip_malformed_total{reason=\"" + reason + "\",transport=\"udp\"}");
            }
            softly.assertThat(malformed.keySet()).as("TCP malformed counters").anyMatch(s -> s.contains(
                    "transport=\"tcp\""));

            List<ILoggingEvent> warnings = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(
                    Level.WARN)).toList();
            List<String> traces = warnings.stream().filter(e -> e.getThrowableProxy() != null).map(e -> e
                    .getLoggerName() + ": " + e.getFormattedMessage().lines().findFirst().orElse("")).distinct()
                    .limit(10).toList();
            softly.assertThat(warnings.stream().filter(e -> e.getThrowableProxy() != null).count()).as(
                    "log events with a stack trace during the flood (kinds: %s)", traces).isLessThanOrEqualTo(3);
            softly.assertThat(warnings.size()).as("WARN and ERROR lines during the flood of %d messages (first: %s)",
                    2 * RATE * SECONDS, firstLines(warnings)).isLessThanOrEqualTo(2 * (SECONDS + 2) + 5);
            softly.assertAll();
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> firstLines(List<ILoggingEvent> events) {
        Map<String, Integer> byStart = new TreeMap<>();
        for (ILoggingEvent e : events) {
            String m = e.getFormattedMessage();
            String key = e.getLevel() + " " + e.getLoggerName() + ": " + m.substring(0, Math.min(m.length(), 70))
                    .replaceAll("\\d+", "N");
            byStart.merge(key, 1, Integer::sum);
        }
        return byStart.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(8).map(e -> e
                .getValue() + " x " + e.getKey()).toList();
    }

    /** One call from alice to bob through the proxy: the problems it met, none when it completed. */
    private List<String> call(int i) {
        try {
            TestUserAgent.Call call = alice.invite(bob.uri("bob"));
            var answer = call.awaitFinal();
            if (answer.getStatusCode() != 200) {
                return List.of("call " + i + ": INVITE answered " + answer.getStatusCode());
            }
            call.ack();
            int bye = call.bye().getStatusCode();
            return bye == 200 ? List.of() : List.of("call " + i + ": BYE answered " + bye);
        } catch (Exception | AssertionError e) {
            return List.of("call " + i + ": " + e);
        }
    }

    private Void floodUdp(DatagramSocket flood, DatagramSocket probes, String target, Map<Integer, Long> probeSent)
            throws Exception {
        MalformedMessages messages = new MalformedMessages(sink.address(), "127.0.0.1:" + flood.getLocalPort(), "UDP");
        Random random = new Random(11);
        InetSocketAddress to = new InetSocketAddress("127.0.0.1", proxy.port());
        String probeBy = "127.0.0.1:" + probes.getLocalPort();
        int total = RATE * SECONDS;
        long start = System.nanoTime();
        for (int n = 0; n < total; n++) {
            pace(start, n);
            byte[] m = messages.message(random, n);
            flood.send(new DatagramPacket(m, m.length, to));
            if ((n + 1) % PROBE_EVERY == 0) {
                int p = (n + 1) / PROBE_EVERY - 1;
                byte[] probe = MalformedMessages.probe(target, probeBy, p);
                probeSent.put(p, System.nanoTime());
                probes.send(new DatagramPacket(probe, probe.length, to));
            }
        }
        return null;
    }

    /**
     * Kinds after which a stream cannot be read on: the next message would become the rest of this one (its body, or
     * its headers). Their connection closes after them, so that what the sink sees is what was sent.
     */
    private static final Set<String> DESYNC = Set.of("truncated", "content_length_over");

    /**
     * Half the connections stay open, the others send one to five messages and close; a connection also closes after
     * a message of {@link #DESYNC}.
     */
    private Map<String, Integer> floodTcp() throws Exception {
        // Answers to a connection that is gone go to the Via's sent-by: the sink, which reads them.
        MalformedMessages messages = new MalformedMessages(sink.address(), sink.address(), "TCP");
        Random random = new Random(12);
        Socket[] sockets = new Socket[TCP_CONNECTIONS];
        int[] left = new int[TCP_CONNECTIONS];
        Map<String, Integer> sent = new TreeMap<>();
        int total = RATE * SECONDS;
        long start = System.nanoTime();
        try {
            for (int n = 0; n < total; n++) {
                pace(start, n);
                int c = n % TCP_CONNECTIONS;
                try {
                    if (sockets[c] == null) {
                        sockets[c] = new Socket("127.0.0.1", proxy.port());
                        sockets[c].setSoTimeout(100);
                        left[c] = c % 2 == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(5);
                    }
                    OutputStream out = sockets[c].getOutputStream();
                    out.write(messages.message(random, n));
                    out.flush();
                    sent.merge(messages.kind(n), 1, Integer::sum);
                    if (--left[c] <= 0 || DESYNC.contains(messages.kind(n))) {
                        sockets[c].close();
                        sockets[c] = null;
                    }
                } catch (IOException e) {
                    closeQuietly(sockets[c]); // the proxy closed it: a new one next time
                    sockets[c] = null;
                }
            }
        } finally {
            for (Socket s : sockets) {
                closeQuietly(s);
            }
        }
        return sent;
    }

    private static void pace(long start, int n) throws InterruptedException {
        long due = start + TimeUnit.SECONDS.toNanos(n) / RATE;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing a socket the proxy already closed
            }
        }
    }

    private MalformedMessages oneShot() {
        return new MalformedMessages(sink.address(), sink.address(), "UDP");
    }

    @Test
    void requestWithGarbageMaxForwardsIsAnswered400() throws Exception {
        byte[] m = oneShot().request("max_forwards_garbage", 1).method("OPTIONS").header("Max-Forwards", "lots")
                .bytes();
        assertThat(answerToViaSink(m)).as("answer to Max-Forwards: lots (RFC 3261 16.3 / 21.4.1)").isEqualTo(400);
    }

    @Test
    void requestWhoseCSeqMethodIsNotItsMethodIsAnswered400() throws Exception {
        byte[] m = oneShot().request("cseq_method_mismatch", 1).method("OPTIONS").header("CSeq", "1 BYE").bytes();
        assertThat(answerToViaSink(m)).as("answer to OPTIONS with CSeq: 1 BYE (RFC 3261 8.2 / 21.4.1)").isEqualTo(
                400);
    }

    @Test
    void requestWithAContentLengthLargerThanTheDatagramIsAnswered400() throws Exception {
        byte[] m = oneShot().request("content_length_over", 1).method("OPTIONS").body("v=0\r\n").contentLength(
                "5000").bytes();
        assertThat(answerToViaSink(m)).as("answer to a datagram shorter than its Content-Length (RFC 3261 18.3)")
                .isEqualTo(400);
    }

    @Test
    void requestOfAnotherSipVersionIsRefused() throws Exception {
        byte[] m = oneShot().request("bad_start_line", 1).method("OPTIONS").startLine("OPTIONS sip:victim@"
                + sink.address() + " SIP/3.0").bytes();
        assertThat(answerToViaSink(m)).as("answer to OPTIONS ... SIP/3.0 (RFC 3261 21.5.7: 505; -3: forwarded)")
                .isIn(400, 505);
    }

    @Test
    void requestWithAHeaderLineWithoutColonIsAnswered400() throws Exception {
        byte[] m = oneShot().request("header_without_colon", 1).method("OPTIONS").extra("This line is not a header")
                .bytes();
        assertThat(answerToViaSink(m)).as("answer to a header line without colon (RFC 3261 7.3, 21.4.1; -3:"
                + " forwarded)").isEqualTo(400);
    }

    /**
     * Sends from the sink, which the request's Via names, and returns the status of the answer within 2 s (-1: none);
     * a request forwarded to the sink (its Request-URI) is the proxy's failure to refuse it, -3.
     */
    private int answerToViaSink(byte[] message) throws Exception {
        sink.send(message, proxy.port());
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROBE_BOUND_MILLIS);
        for (long left; (left = end - System.nanoTime()) > 0;) {
            String text = sink.poll(java.time.Duration.ofNanos(left));
            if (text == null) {
                break;
            }
            if (!text.startsWith("SIP/2.0 ")) {
                return -3;
            }
            int code = Integer.parseInt(text.substring(8, 11));
            if (code >= 200) {
                return code;
            }
        }
        return -1;
    }

    private static Void readProbes(DatagramSocket probes, Map<Integer, Long> sent, Map<Integer, long[]> answered,
            int seconds) throws IOException {
        probes.setSoTimeout(100);
        byte[] buf = new byte[65536];
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                probes.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            long now = System.nanoTime();
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
            if (!text.startsWith("SIP/2.0 ")) {
                continue;
            }
            int code = Integer.parseInt(text.substring(8, 11));
            text.lines().filter(l -> l.startsWith("Call-ID: probe-")).findFirst().ifPresent(l -> {
                int n = Integer.parseInt(l.substring("Call-ID: probe-".length(), l.indexOf('@')));
                Long t = sent.get(n);
                if (t != null) {
                    answered.putIfAbsent(n, new long[]{TimeUnit.NANOSECONDS.toMillis(now - t), code});
                }
            });
        }
        return null;
    }
}
