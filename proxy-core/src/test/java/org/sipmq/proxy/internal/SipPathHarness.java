package org.sipmq.proxy.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sip.message.Request;
import org.sipmq.proxy.FailureContext;
import org.sipmq.proxy.MessageContext;
import org.sipmq.proxy.ProxyModule;
import org.sipmq.proxy.ReplyContext;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.testing.FreePorts;
import org.slf4j.LoggerFactory;

/**
 * The SIP path from bytes to routing hooks, in process, for the fuzz test and its regression tests: a real proxy
 * (one worker, so that its work runs in arrival order) whose UDP listening point is handed datagrams directly, as its
 * reading thread would hand them ({@link RealSipProxy#datagram}); a hook that reads every pseudo-variable; a peer
 * socket (the datagrams' source, and the target the hook forwards to) that answers what the proxy forwarded.
 *
 * <p>
 * {@link #feed} returns once the proxy has finished with the datagram, and throws what went wrong: an exception out
 * of the proxy's entry point, an ERROR logged by the proxy (a worker task or a hook that failed), a hook that saw an
 * invalid request or failed to read a pseudo-variable, or a proxy that stopped handling requests (a hang).
 */
final class SipPathHarness implements AutoCloseable {
    /** The proxy's default {@code sip.max_header_line}, which the harness's proxy runs with. */
    private static final int MAX_HEADER_LINE = org.sipmq.proxy.ProxyConfig.builder().listen("udp:127.0.0.1:5060")
            .build().maxHeaderLine();
    // datagrams are given as the reading thread gives them under load (here = false): the routing runs on the one
    // worker, whose finishing the marker request proves

    /** Pseudo-variables read for every message a hook sees (each header's {@code $hdr} as well). */
    static final List<String> PVS = List.of("$ci", "$rm", "$ru", "$rU", "$rd", "$fu", "$fU", "$ft", "$tu", "$tU",
            "$tt", "$si", "$sp", "$pr", "$rs", "$rr", "$hdr(Via)", "$hdr(v)", "$hdr(Contact)", "$hdr(m)",
            "$hdr(Route)", "$hdr(Record-Route)", "$hdr(Content-Type)", "$hdr(User-Agent)");
    private static final String MARKER = "fuzz-marker-";
    private static final long HANG_SECONDS = 10;
    /** Forwarded requests the peer answers per datagram, at most (a hook forwards to at most two targets). */
    private static final int MAX_ANSWERS = 4;

    private final Sipmq app;
    private final RealSipProxy proxy;
    private final Listener at;
    private final DatagramChannel peer;
    private final InetSocketAddress peerAddress;
    private final Semaphore markers = new Semaphore(0);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ErrorLog errors = new ErrorLog();
    private final Level sipmqLevel;
    private final Level nistLevel;
    private final List<String> upstream = new ArrayList<>();
    private final AtomicInteger routed = new AtomicInteger();
    private int markerCount;

    SipPathHarness() throws IOException {
        peer = DatagramChannel.open();
        peer.bind(new InetSocketAddress("127.0.0.1", 0));
        peer.configureBlocking(false);
        peerAddress = (InetSocketAddress) peer.getLocalAddress();
        int port = FreePorts.udpAndTcp();
        app = Sipmq.configure("fuzz.cfg", "listen = udp:127.0.0.1:" + port + "\nsip.workers = 1\nsip.t1 = 10\n"
                + "sip.t4 = 10\nsip.timer_c = 1\nsip.max_tx_lifetime_invite = 2\nsip.max_tx_lifetime_non_invite = 2\n",
                ProxyModule.builder().hooks(new Hook()).build());
        // the proxy logs a WARN per odd request (a loop, no route): quiet at fuzzing rates, ERRORs still caught
        Logger sipmq = (Logger) LoggerFactory.getLogger("org.sipmq");
        Logger nist = (Logger) LoggerFactory.getLogger("gov.nist");
        sipmqLevel = sipmq.getLevel();
        nistLevel = nist.getLevel();
        sipmq.setLevel(Level.ERROR);
        nist.setLevel(Level.OFF);
        errors.start();
        sipmq.addAppender(errors);
        app.start();
        proxy = (RealSipProxy) app.injector().getInstance(org.sipmq.proxy.SipProxy.class);
        at = proxy.sip().outbound("udp");
    }

    /** Hands {@code datagram} to the proxy as if from the peer, answers what it forwarded, waits until it is done. */
    void feed(byte[] datagram) throws Exception {
        while (receive() != null) {
            // what came late for the datagram before: not this one's
        }
        upstream.clear();
        routed.set(0);
        proxy.datagram(at, datagram, peerAddress, false);
        barrier();
        int answered = 0;
        for (byte[] got = receive(); got != null; got = receive()) {
            if (startsWith(got, "SIP/2.0 ")) {
                upstream.add(new String(got, StandardCharsets.UTF_8));
            } else if (answered < MAX_ANSWERS) {
                for (byte[] response : answers(got)) {
                    proxy.datagram(at, response, peerAddress, false);
                    answered++;
                }
            }
        }
        if (answered > 0) {
            barrier();
            for (byte[] got = receive(); got != null; got = receive()) {
                if (startsWith(got, "SIP/2.0 ")) {
                    upstream.add(new String(got, StandardCharsets.UTF_8));
                }
            }
        }
        check();
    }

    /** The responses the peer (the datagram's source) received during the last {@link #feed}, in order. */
    List<String> upstream() {
        return List.copyOf(upstream);
    }

    /** How many requests of the last {@link #feed} reached the request hooks (the markers not counted). */
    int routed() {
        return routed.get();
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        return new String(bytes, 0, Math.min(bytes.length, prefix.length()), StandardCharsets.ISO_8859_1).equals(
                prefix);
    }

    /** Throws the first failure seen since the last call, if any. */
    void check() throws Exception {
        Throwable t = failure.getAndSet(null);
        String logged = errors.first.getAndSet(null);
        if (t instanceof Exception e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (logged != null) {
            throw new AssertionError("the proxy logged an ERROR: " + logged);
        }
    }

    /** Waits until the worker has run everything queued before now: a marker request, answered by the hook. */
    private void barrier() throws Exception {
        int n = ++markerCount;
        String marker = "OPTIONS sip:marker@127.0.0.1:9 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-"
                + MARKER
                + n + "\r\nMax-Forwards: 70\r\nFrom: <sip:fuzz@127.0.0.1>;tag=m" + n
                + "\r\nTo: <sip:marker@127.0.0.1>\r\nCall-ID: " + MARKER + n + "\r\nCSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
        proxy.datagram(at, marker.getBytes(StandardCharsets.US_ASCII), peerAddress, false);
        if (!markers.tryAcquire(HANG_SECONDS, TimeUnit.SECONDS)) {
            check();
            throw new AssertionError("the proxy did not route a valid request within " + HANG_SECONDS
                    + " s of the last one: hung");
        }
    }

    private byte[] receive() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(65_535);
        if (peer.receive(b) == null) {
            return null;
        }
        b.flip();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    /**
     * What the peer answers to a request the proxy forwarded: an INVITE rings, then a final response chosen by its
     * Call-ID (200, 486 or 603), other requests 200 or 404. The responses copy the forwarded request's headers, which
     * came from the fuzzed bytes. Nothing for responses or ACKs.
     */
    private static List<byte[]> answers(byte[] forwarded) {
        List<byte[]> out = new ArrayList<>();
        SIPMessage m;
        try {
            m = new StringMsgParser().parseSIPMessage(forwarded, true, false, null);
        } catch (java.text.ParseException | RuntimeException e) {
            return out; // the proxy encoded something its own parser refuses: not for the peer to judge
        }
        if (!(m instanceof SIPRequest r) || Request.ACK.equals(r.getMethod())) {
            return out;
        }
        Validation.Problem p = Validation.check(r, forwarded, MAX_HEADER_LINE);
        if (p != null) {
            throw new AssertionError("the proxy forwarded an invalid request (" + p + "):\n" + new String(forwarded,
                    StandardCharsets.UTF_8));
        }
        int pick = Math.floorMod(r.getCallId().getCallId().hashCode(), 3);
        if (Request.INVITE.equals(r.getMethod())) {
            out.add(encode(r.createResponse(180)));
            out.add(encode(r.createResponse(new int[]{200, 486, 603}[pick])));
        } else {
            out.add(encode(r.createResponse(pick == 0 ? 404 : 200)));
        }
        return out;
    }

    private static byte[] encode(SIPResponse r) {
        if (r.getTo() != null && r.getTo().getTag() == null && r.getStatusCode() > 100) {
            try {
                r.getTo().setTag("peer");
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
        }
        return r.encodeAsBytes("UDP");
    }

    @Override
    public void close() throws IOException {
        app.stop();
        peer.close();
        Logger sipmq = (Logger) LoggerFactory.getLogger("org.sipmq");
        sipmq.detachAppender(errors);
        sipmq.setLevel(sipmqLevel);
        ((Logger) LoggerFactory.getLogger("gov.nist")).setLevel(nistLevel);
    }

    /** Records a throwable from a hook, keeping the first. */
    private void failed(Throwable t) {
        failure.compareAndSet(null, t);
    }

    /** Reads everything a hook can read of its message; a request that reached the hooks must be valid. */
    private void readAll(MessageContext ctx) {
        for (String pv : PVS) {
            ctx.pv(pv);
        }
        for (Iterator<?> names = ctx.message().getHeaderNames(); names.hasNext();) {
            String name = (String) names.next();
            if (name.matches("[A-Za-z0-9.!%*_+`'~-]+")) {
                // what a hook can write: the parser also keeps names that are no RFC 3261 token, "Content(Length"
                ctx.pv("$hdr(" + name + ")");
            }
        }
        ctx.format("$rm $ru from $fu to $tu ($ci) via $pr $si:$sp");
        ctx.inDialog();
        Validation.Problem p = Validation.check((SIPMessage) ctx.request(), null, MAX_HEADER_LINE);
        if (p != null) {
            throw new AssertionError("a hook saw an invalid request (" + p + "): " + ctx.request());
        }
    }

    private final class Hook implements RoutingHook {
        @Override
        public void onRequest(RequestContext ctx) {
            String callId = ctx.pv("$ci");
            if (callId != null && callId.startsWith(MARKER)) {
                ctx.reply(200, "Marker");
                markers.release();
                return;
            }
            routed.incrementAndGet();
            try {
                readAll(ctx);
                ctx.addHeader("X-Fuzz", "seen");
                ctx.removeHeader("X-Remove");
                String rd = ctx.pv("$rd");
                switch (Math.floorMod(callId == null ? 0 : callId.hashCode(), 5)) {
                    case 0 -> ctx.reply(486, "Busy Here");
                    case 1 -> ctx.drop();
                    case 2 -> ctx.forward("sip:a@127.0.0.1:" + peerAddress.getPort(), "sip:b@127.0.0.1:"
                            + peerAddress.getPort());
                    case 3 -> {
                        // no decision: to the Request-URI, when that resolves without DNS
                        String ru = String.valueOf(ctx.pv("$ru"));
                        if (!"127.0.0.1".equals(rd) || ru.contains("maddr") || ctx.message().getHeader(
                                "Route") != null) {
                            ctx.forward("sip:c@127.0.0.1:" + peerAddress.getPort());
                        }
                    }
                    default -> ctx.forward("sip:d@127.0.0.1:" + peerAddress.getPort());
                }
            } catch (RuntimeException | Error e) {
                failed(e);
                throw e;
            }
        }

        @Override
        public void onReply(ReplyContext ctx) {
            try {
                readAll(ctx);
            } catch (RuntimeException | Error e) {
                failed(e);
                throw e;
            }
        }

        @Override
        public void onFailure(FailureContext ctx) {
            try {
                readAll(ctx);
            } catch (RuntimeException | Error e) {
                failed(e);
                throw e;
            }
        }
    }

    /** Keeps the first ERROR the proxy logs, with its stack trace. */
    private static final class ErrorLog extends AppenderBase<ILoggingEvent> {
        final AtomicReference<String> first = new AtomicReference<>();

        @Override
        protected void append(ILoggingEvent e) {
            if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
                StringBuilder b = new StringBuilder(e.getLoggerName()).append(": ").append(e.getFormattedMessage());
                if (e.getThrowableProxy() instanceof ThrowableProxy p) {
                    java.io.StringWriter w = new java.io.StringWriter();
                    p.getThrowable().printStackTrace(new java.io.PrintWriter(w));
                    b.append('\n').append(w);
                }
                first.compareAndSet(null, b.toString());
            }
        }
    }
}
