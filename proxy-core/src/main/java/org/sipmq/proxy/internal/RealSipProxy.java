package org.sipmq.proxy.internal;

import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.HopImpl;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.address.Hop;
import javax.sip.address.Router;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.sipmq.proxy.ListenAddress;
import org.sipmq.proxy.ProxyConfig;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.SipProxy;
import org.sipmq.proxy.pv.PvEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction-stateful proxy: JAIN-SIP's parser, messages and TCP connections under a transaction layer of its
 * own ({@link Transactions}). A UDP datagram is parsed on its listening point's reading thread, which answers
 * retransmissions from their transaction, creates the server transaction of a new request (and sends 100 Trying for
 * an INVITE), then gives the message to the call's stripe ({@link StripedExecutor}): while the reader keeps up it runs
 * the routing and the hooks itself when that stripe is idle, with no thread hand-off; under heavier load, or when the
 * stripe is busy, a worker runs them. TCP messages take the same path from the stack's connection threads, through
 * the stack's message valve ({@link StackValve}), always to a worker.
 */
@Singleton
public final class RealSipProxy implements SipProxy, Service, ProxyCore, StackValve.Inbound {
    private static final Logger log = LoggerFactory.getLogger(RealSipProxy.class);
    private static final AtomicInteger STACKS = new AtomicInteger();
    private static final long STOP_TIMEOUT_MILLIS = 2_000;
    /** How often unanswered server transactions are checked against {@code sip.max_tx_lifetime_*}. */
    private static final long LIFETIME_AUDIT_MILLIS = 5_000;
    /** Threads that write responses to TCP peers, a peer always on the same one (its writes stay in order). */
    private static final int TCP_WRITERS = 2;
    /** How often the UDP reading threads are checked for one held by a datagram's work (a hook that blocks). */
    private static final long READER_WATCH_MILLIS = 10;

    private final ProxyConfig config;
    private final List<RoutingHook> hooks;
    private final PvEngine pvs;
    private final ProxyMetrics metrics;
    private final int workerQueue;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final String stackName = "sipmq-proxy-" + STACKS.incrementAndGet();
    private final Map<MessageProcessor, Listener> tcpListeners = new ConcurrentHashMap<>();
    private final MalformedInput malformed;
    private final SampledWarn sendFailures = new SampledWarn(System::nanoTime, log::warn);

    private volatile SipStackImpl stack;
    private volatile StackShutdown shutdown;
    private volatile SipSupport sip;
    private volatile StripedExecutor workers;
    private volatile StripedExecutor tcpWriters;
    private volatile SipTimers timers;
    private volatile Transactions txs;
    private volatile TimerCs timerC;
    private volatile boolean stopped;

    @Inject
    public RealSipProxy(ProxyConfig config, RoutingChain chain, PvEngine pvs, MeterRegistry registry) {
        this(config, chain, pvs, registry, Math.max(1_000, config.maxInFlight()));
    }

    /** With {@code workerQueue} new messages at most waiting per worker (tests use a tiny one). */
    RealSipProxy(ProxyConfig config, RoutingChain chain, PvEngine pvs, MeterRegistry registry, int workerQueue) {
        this.workerQueue = workerQueue;
        this.config = config;
        this.hooks = chain.hooks();
        this.pvs = pvs;
        this.metrics = new ProxyMetrics(registry, inFlight::get, this::stackTransactions);
        this.malformed = new MalformedInput(registry);
        this.malformed.maxHeaderLine(config.maxHeaderLine());
    }

    @Override
    public String name() {
        return "sip-proxy";
    }

    @Override
    public Phase phase() {
        return Phase.TRANSPORT;
    }

    @Override
    public synchronized void start() throws Exception {
        if (stack != null || stopped) {
            throw new IllegalStateException("SIP proxy " + stackName + " already started");
        }
        workers = new StripedExecutor(stackName + "-worker", config.workers(), workerQueue);
        tcpWriters = new StripedExecutor(stackName + "-tcp-writer", TCP_WRITERS, workerQueue);
        timers = new SipTimers(stackName + "-timers");
        txs = new Transactions(config.t1Millis(), config.t4Millis(), timers, this::onClientTimeout);
        metrics.retransmissions(txs.retransmissions);
        StackValve.register(stackName, this);
        MalformedInput.register(stackName, malformed);
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        shutdown = StackShutdown.create(() -> factory.createSipStack(StackProperties.of(stackName, config)));
        stack = (SipStackImpl) shutdown.stack();
        List<Listener> listeners = new ArrayList<>();
        List<UdpProcessorFactory.ReusingBufferProcessor> udp = new ArrayList<>();
        for (ListenAddress a : config.listen()) {
            ListeningPoint lp = stack.createListeningPoint(a.host(), a.port(), a.transport());
            checkReceiveBuffer(a, lp);
            stack.createSipProvider(lp); // starts the listening point's processor; its events never come (the valve)
            MessageProcessor mp = ((ListeningPointImpl) lp).getMessageProcessor();
            if (mp instanceof UdpProcessorFactory.ReusingBufferProcessor p) {
                Listener l = Listener.udp(lp.getIPAddress(), lp.getPort(), p.socket());
                listeners.add(l);
                udp.add(p);
                p.deliverTo(this, l);
            } else {
                Listener l = Listener.tcp(lp.getIPAddress(), lp.getPort(), stack, tcpWriters,
                        (m, peer, e) -> sendFailed(
                                (m instanceof SIPResponse r ? r.getStatusCode() + " upstream" : "a request") + " to "
                                        + peer,
                                SipSupport.callId(m), e));
                listeners.add(l);
                tcpListeners.put(mp, l);
            }
        }
        sip = new SipSupport(factory.createAddressFactory(), factory.createHeaderFactory(), factory
                .createMessageFactory(), listeners);
        timers.every(LIFETIME_AUDIT_MILLIS, this::expireUnanswered);
        long timerCMillis = java.util.concurrent.TimeUnit.SECONDS.toMillis(config.timerCSeconds());
        timerC = new TimerCs(timerCMillis, timers::now);
        timers.every(TimerCs.sweepPeriodMillis(timerCMillis), () -> timerC.sweep(timers.now(), workers::followUp));
        int takeoverRounds = (int) (UdpProcessorFactory.ReusingBufferProcessor.TAKEOVER_MILLIS / READER_WATCH_MILLIS);
        metrics.readerTakeovers(() -> udp.stream().mapToInt(UdpProcessorFactory.ReusingBufferProcessor::takeovers)
                .sum());
        timers.every(READER_WATCH_MILLIS, () -> {
            long now = System.nanoTime();
            for (UdpProcessorFactory.ReusingBufferProcessor p : udp) {
                p.takeOverIfStuck(now, takeoverRounds);
            }
        });
        timers.start();
        stack.start();
        log.info("SIP proxy {} listening on {}", stackName, config.listen());
    }

    /**
     * Warns when the kernel gave a UDP socket less receive buffer than {@code sip.udp_receive_buffer} asks: Linux caps
     * {@code SO_RCVBUF} at {@code net.core.rmem_max} without an error, and datagrams beyond it are dropped.
     */
    private void checkReceiveBuffer(ListenAddress a, ListeningPoint lp) throws java.net.SocketException {
        int got = receiveBufferBytes(lp);
        if (got >= 0 && got < config.udpReceiveBufferBytes()) {
            log.warn("SIP proxy {}: the kernel gave {} a receive buffer of {} bytes, not the {} of {}; datagrams"
                    + " that arrive while the proxy is not reading are dropped beyond it (raise the cap: sysctl"
                    + " -w net.core.rmem_max={})", stackName, a, got, config.udpReceiveBufferBytes(),
                    ProxyConfig.UDP_RECEIVE_BUFFER, config.udpReceiveBufferBytes());
        }
    }

    /** The receive buffer of a UDP listening point's socket, in bytes; -1 for other transports. */
    private static int receiveBufferBytes(ListeningPoint lp) throws java.net.SocketException {
        return ((ListeningPointImpl) lp).getMessageProcessor() instanceof UdpProcessorFactory.ReusingBufferProcessor p
                ? p.receiveBufferBytes()
                : -1;
    }

    /** The server transaction of {@code request} while it exists (it lingers after the answer), or null. */
    ServerTx serverTransaction(Request request) {
        Transactions t = txs;
        return t == null ? null : t.server(Transactions.serverKey((SIPRequest) request));
    }

    /** The smallest receive buffer the kernel gave a UDP listening socket, in bytes; 0 before start. */
    int udpReceiveBufferBytes() throws java.net.SocketException {
        SipStackImpl s = stack;
        if (s == null) {
            return 0;
        }
        int min = 0;
        for (java.util.Iterator<?> it = s.getListeningPoints(); it.hasNext();) {
            int got = receiveBufferBytes((ListeningPoint) it.next());
            if (got >= 0) {
                min = min == 0 ? got : Math.min(min, got);
            }
        }
        return min;
    }

    @Override
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        StackShutdown s = shutdown;
        if (s != null) {
            try {
                s.stop();
            } catch (RuntimeException e) {
                log.warn("SIP proxy {}: the stack did not stop cleanly", stackName, e);
            }
        }
        if (timers != null) {
            timers.stop();
        }
        if (workers != null) {
            workers.shutdown(STOP_TIMEOUT_MILLIS);
        }
        if (tcpWriters != null) {
            tcpWriters.shutdown(STOP_TIMEOUT_MILLIS);
        }
        StackValve.unregister(stackName);
        MalformedInput.unregister(stackName);
        log.info("SIP proxy {} stopped", stackName);
    }

    /**
     * A datagram from one of the UDP listening points, on that point's reading thread: parsed here, then matched to its
     * transaction (a retransmission is answered from it at once) and handed to the call's worker.
     */
    @Override
    public void datagram(Listener at, byte[] data, InetSocketAddress from, boolean here) {
        SIPMessage message = parse(at, data, from);
        if (message instanceof SIPRequest request) {
            Via via = request.getTopmostVia();
            try {
                // RFC 3261 18.2.1 and RFC 3581: where the request really came from, for its responses
                if (!from.getAddress().getHostAddress().equals(via.getHost())) {
                    via.setReceived(from.getAddress().getHostAddress());
                }
                if (via.hasParameter(Via.RPORT)) {
                    via.setParameter(Via.RPORT, Integer.toString(from.getPort()));
                }
            } catch (java.text.ParseException e) {
                throw new IllegalStateException("cannot set received/rport", e);
            }
            onRequest(request, at, replyLink(at, request, from), here);
        } else if (message instanceof SIPResponse response) {
            onResponse(response, here);
        }
    }

    /** A request or response from a TCP connection, parsed by the stack's reading thread of that connection. */
    @Override
    public void stream(SIPMessage message, MessageChannel channel) {
        Listener at = tcpListeners.get(channel.getMessageProcessor());
        if (at == null) {
            log.warn("SIP proxy {}: message from {}:{} on an unknown listening point: dropped", stackName, channel
                    .getPeerAddress(), channel.getPeerPort());
            return;
        }
        Validation.Problem problem = Validation.check(message, null, config.maxHeaderLine());
        if (problem != null) {
            // what the stack's parser marked it counted already (MalformedParserFactory)
            rejectInvalid(at, message, problem, at.answering(channel), channel.getPeerAddress(), channel
                    .getPeerPort(), Validation.marked(message) == null);
        } else if (message instanceof SIPRequest request) {
            onRequest(request, at, at.answering(channel), false);
        } else {
            onResponse((SIPResponse) message, false);
        }
    }

    private SIPMessage parse(Listener at, byte[] data, InetSocketAddress from) {
        SIPMessage message;
        String host = from.getAddress().getHostAddress();
        if (Validation.viaComment(data)) {
            // never parsed: the stack's Via parser can loop on one until the heap is gone
            malformed.record(MalformedInput.Reason.BAD_VIA, MalformedInput.Transport.UDP, host, from.getPort(),
                    "Via with a comment");
            return null;
        }
        try {
            message = new StringMsgParser().parseSIPMessage(data, true, false, MalformedParserFactory.marking());
        } catch (java.text.ParseException | RuntimeException e) {
            SIPMessage headers = headersOnly(data);
            if (headers instanceof SIPRequest r && Validation.answerable(r) && r.getContentLength() != null) {
                Validation.Problem problem = Validation.check(r, null, config.maxHeaderLine()); // a worse problem than the body's, if any
                rejectInvalid(at, r, problem != null ? problem : Validation.contentLengthBeyondBody(), replyLink(at, r,
                        from), host, from.getPort(), true);
            } else {
                malformed.record(MalformedInput.Reason.UNPARSABLE, MalformedInput.Transport.UDP, host, from
                        .getPort(), e.getMessage());
            }
            return null;
        }
        if (message == null) {
            return null; // a keep-alive (CRLF)
        }
        // $si, $sp and the like read these, as they read them from the stack's own channels
        message.setRemoteAddress(from.getAddress());
        message.setRemotePort(from.getPort());
        message.setPeerPacketSourceAddress(from.getAddress());
        message.setPeerPacketSourcePort(from.getPort());
        message.setLocalPort(at.port);
        Validation.Problem problem = Validation.check(message, data, config.maxHeaderLine());
        if (problem != null) {
            rejectInvalid(at, message, problem, message instanceof SIPRequest r && r.getTopmostVia() != null
                    ? replyLink(at, r, from)
                    : null, host, from.getPort(), true);
            return null;
        }
        return message;
    }

    /** The headers of a datagram whose body the parser refused (a Content-Length beyond it), or null. */
    private static SIPMessage headersOnly(byte[] data) {
        try {
            return new StringMsgParser().parseSIPMessage(data, false, false, MalformedParserFactory.marking());
        } catch (java.text.ParseException | RuntimeException e) {
            return null;
        }
    }

    /** Where the responses to a UDP request go: its source address, and port when it asked (rport), else its Via's. */
    private static Link replyLink(Listener at, SIPRequest request, InetSocketAddress from) {
        Via via = request.getTopmostVia();
        // a sent-by port beyond 65535 parses; such a request is refused (Validation), its 400 goes where it came from
        int port = via.hasParameter(Via.RPORT) || !Validation.isPort(via.getPort())
                ? from.getPort()
                : via.getPort() > 0 ? via.getPort() : 5060;
        return at.datagramsTo(new InetSocketAddress(from.getAddress(), port));
    }

    /**
     * RFC 3261 8.2 and 16.3: a request that parsed but is not valid gets 400 (505 for another SIP version) when it can
     * be answered; anything else is dropped. Counted in {@code sipmq.sip.malformed} unless {@code count} is false.
     */
    private void rejectInvalid(Listener at, SIPMessage message, Validation.Problem problem, Link back, String host,
            int port, boolean count) {
        MalformedInput.Transport transport = MalformedInput.Transport.of(at.transport);
        if (count) {
            malformed.record(problem.reason(), transport, host, port, problem.phrase());
        }
        if (back != null && message instanceof SIPRequest request && Validation.answerable(request)) {
            try {
                back.send(request.createResponse(problem.status(), problem.phrase()));
                metrics.reply(problem.status());
            } catch (java.io.IOException | RuntimeException e) {
                log.debug("cannot answer an invalid request from {}:{}: {}", host, port, e.toString());
            }
        }
    }

    /**
     * A request from a listening point's thread; {@code here}: its routing may run on this thread when the call's stripe
     * is idle (the UDP reader while it keeps up), else it goes to a worker.
     */
    private void onRequest(SIPRequest request, Listener at, Link from, boolean here) {
        String method = request.getMethod();
        metrics.request(method);
        String callId = request.getCallId().getCallId();
        if (Request.ACK.equals(method)) {
            ServerTx invite = txs.server(Transactions.serverKey(request));
            if (invite != null && invite.ack()) {
                return; // the ACK of a non-2xx final: hop by hop, it ends here
            }
            if (SipSupport.isOwnTag(request.getToTag())) {
                // the ACK of a final response the proxy made itself (a 503 refused before any transaction, a hook's
                // reply, a 408 or 483 of its own) whose transaction is gone: hop by hop, no one downstream saw it
                return;
            }
            workers.execute(callId, () -> forwardAckStatelessly(request), here);
            return;
        }
        String key = Transactions.serverKey(request);
        ServerTx known = txs.server(key);
        if (known != null) {
            known.retransmission();
            return;
        }
        if (Request.CANCEL.equals(method)) {
            onCancel(request, key, from, callId, here);
            return;
        }
        if (request.getToTag() == null && (inFlight.get() >= config.maxInFlight() || workers.backlog() >= config
                .overloadBacklog())) {
            refuseStatelessly(request, from); // before any transaction; requests in a dialog always pass
            return;
        }
        ServerTx server = new ServerTx(txs, key, request, from);
        ServerTx raced = txs.add(server);
        if (raced != null) {
            raced.retransmission();
            return;
        }
        ProxyTransaction pt = new ProxyTransaction(this, server, request, at);
        server.attach(pt);
        inFlight.incrementAndGet();
        metrics.admitted(method);
        if (Request.INVITE.equals(method)) {
            try {
                server.respond((SIPResponse) sip.response(100, "Trying", request));
            } catch (Exception e) {
                log.debug("cannot send 100 Trying for {}: {}", callId, e.toString());
            }
        }
        if (!workers.execute(callId, pt::onRequest, here)) {
            pt.refuse(config.retryAfterSeconds()); // 503 by the transaction, finished once
        }
    }

    /** RFC 3261 9.2: a CANCEL is answered by its own transaction; the INVITE's is cancelled on the call's worker. */
    private void onCancel(SIPRequest cancel, String key, Link from, String callId, boolean here) {
        ServerTx server = new ServerTx(txs, key, cancel, from);
        ServerTx raced = txs.add(server);
        if (raced != null) {
            raced.retransmission();
            return;
        }
        ServerTx invite = txs.server(Transactions.serverKey(cancel, Request.INVITE));
        ProxyTransaction pt = invite == null ? null : invite.proxy();
        // the CANCEL of an INVITE in progress is a follow-up of accepted work, never refused
        if (pt == null || !workers.followUp(callId, () -> {
            answerCancel(server, cancel, true);
            pt.onCancel();
        }, here)) {
            answerCancel(server, cancel, false);
        }
    }

    private void answerCancel(ServerTx server, SIPRequest cancel, boolean matched) {
        try {
            server.respond((SIPResponse) (matched
                    ? sip.response(200, "OK", cancel)
                    : sip.response(481, "Call/Transaction Does Not Exist", cancel)));
            metrics.reply(matched ? 200 : 481);
        } catch (Exception e) {
            sendFailed("the answer to a CANCEL", SipSupport.callId(cancel), e);
        }
    }

    /**
     * {@code sip.max_in_flight} requests are in flight: a new request gets 503 with Retry-After, sent without creating
     * a transaction, so that overload never queues without bound. Its ACK is recognised by the To tag and ends here.
     */
    private void refuseStatelessly(SIPRequest request, Link from) {
        String method = request.getMethod();
        metrics.rejected(method);
        metrics.reply(503);
        try {
            SIPResponse busy = request.createResponse(Response.SERVICE_UNAVAILABLE, "Server Overloaded");
            busy.setHeader(sip.headers.createRetryAfterHeader(config.retryAfterSeconds()));
            busy.getTo().setTag(SipSupport.OWN_503_TAG); // RFC 3261 8.2.6.2: a final response carries a To tag
            from.send(busy);
        } catch (java.io.IOException | java.text.ParseException | javax.sip.InvalidArgumentException e) {
            sendFailed("503 for " + method + " to " + from, SipSupport.callId(request), e);
        }
    }

    private void onResponse(SIPResponse response, boolean here) {
        ClientTx client = txs.client(Transactions.clientKey(response));
        String callId = response.getCallId().getCallId();
        if (client == null) {
            // no transaction: a 2xx retransmission, or another branch's 2xx, to forward; the answer to a lost CANCEL is not
            if (!Request.CANCEL.equals(response.getCSeq().getMethod())) {
                workers.execute(callId, () -> forwardResponseStatelessly(response), here);
            } else {
                strayResponse(response);
            }
            return;
        }
        ProxyTransaction.Branch b = client.onResponse(response);
        if (b != null) {
            workers.followUp(callId, () -> b.owner.onResponse(b, response), here);
        }
    }

    /** A client transaction had no final response in 64*T1 (Timer B or F), on the timer thread. */
    private void expireUnanswered() {
        for (ProxyTransaction pt : txs.expireUnanswered(
                java.util.concurrent.TimeUnit.SECONDS.toNanos(config.maxTxLifetimeInviteSeconds()),
                java.util.concurrent.TimeUnit.SECONDS.toNanos(config.maxTxLifetimeNonInviteSeconds()))) {
            log.warn("SIP proxy {}: {} {} had no final response in its lifetime (sip.max_tx_lifetime_*): released",
                    stackName, pt.request().getMethod(), SipSupport.callId(pt.request()));
            workers.followUp(SipSupport.callId(pt.request()), pt::expired);
        }
    }

    private void onClientTimeout(ProxyTransaction.Branch b) {
        workers.followUp(SipSupport.callId(b.owner.request()), () -> b.owner.onTimeout(b));
    }

    /** An ACK for a 2xx, forwarded as received (no one else holds its parse: it is changed in place, not copied). */
    private void forwardAckStatelessly(SIPRequest ack) {
        String branch = SipSupport.stableBranch(ack); // from its own Via, before ours is added
        try {
            javax.sip.header.MaxForwardsHeader mf = ack.getMaxForwards();
            if (mf != null) {
                if (mf.getMaxForwards() <= 0) {
                    return;
                }
                mf.decrementMaxForwards();
            }
            sip.removeOwnRoutes(ack);
            Hop hop = router().getNextHop(ack);
            Listener out = hop == null ? null : sip.outbound(hop.getTransport());
            if (out == null) {
                log.warn("no listening point to forward ACK {} to {}", SipSupport.callId(ack), ack.getRequestURI());
                return;
            }
            ack.addFirst(sip.via(out, branch));
            out.linkTo(hop).send(ack);
        } catch (Exception e) {
            sendFailed("ACK downstream", SipSupport.callId(ack), e);
        }
    }

    /** A response that matches no transaction and is not ours to forward: counted, dropped. */
    private void strayResponse(Response response) {
        SIPMessage m = (SIPMessage) response;
        malformed.record(MalformedInput.Reason.STRAY_RESPONSE, MalformedInput.Transport.of(m.getTopmostVia() == null
                ? null
                : m.getTopmostVia().getTransport()), m.getRemoteAddress() == null
                        ? null
                        : m.getRemoteAddress()
                                .getHostAddress(),
                m.getRemotePort(), response.getStatusCode() + " " + SipSupport.callId(
                        response));
    }

    @Override
    public void forwardResponseStatelessly(Response response) {
        ViaHeader top = (ViaHeader) response.getHeader(ViaHeader.NAME);
        if (!sip.isOurs(top)) {
            strayResponse(response);
            return;
        }
        SIPResponse up = (SIPResponse) SipSupport.stripOwnVia(response);
        Via next = up.getTopmostVia();
        Listener out = next == null ? null : sip.outbound(next.getTransport());
        if (out == null) {
            return;
        }
        // RFC 3261 18.2.2: to the address the request came from (received), and its port when it asked (rport)
        String host = next.getReceived() != null ? next.getReceived() : next.getHost();
        int port = next.getRPort() > 0 ? next.getRPort() : next.getPort() > 0 ? next.getPort() : 5060;
        try {
            metrics.reply(up.getStatusCode());
            Link link = out.reliable()
                    ? out.answeringTo(new HopImpl(host, port, out.transport))
                    : out.datagramsTo(new InetSocketAddress(host, port));
            link.send(up);
        } catch (Exception e) {
            sendFailed(up.getStatusCode() + " upstream (statelessly)", SipSupport.callId(up), e);
        }
    }

    @Override
    public TimerCs.Handle startTimerC(String callId, Runnable onExpiry) {
        return timerC.start(callId, onExpiry);
    }

    @Override
    public void sendFailed(String what, String callId, Exception e) {
        log.debug("SIP proxy {}: cannot send {} for {}", stackName, what, callId, e);
        sendFailures.offer(skipped -> "SIP proxy " + stackName + ": cannot send " + MalformedInput.printable(what)
                + " for " + MalformedInput.printable(callId) + ": " + MalformedInput.printable(e.toString()) + "; "
                + skipped + " more send failures since the last such line");
    }

    @Override
    public void finished(ProxyTransaction transaction) {
        inFlight.decrementAndGet();
    }

    @Override
    public ProxyConfig config() {
        return config;
    }

    @Override
    public List<ListenAddress> listen() {
        return config.listen();
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public int stackTransactions() {
        Transactions t = txs;
        return t == null ? 0 : t.size();
    }

    @Override
    public SipSupport sip() {
        return sip;
    }

    @Override
    public PvEngine pvs() {
        return pvs;
    }

    @Override
    public List<RoutingHook> hooks() {
        return hooks;
    }

    @Override
    public Router router() {
        return stack.getRouter();
    }

    @Override
    public boolean recordRoute() {
        return config.recordRoute();
    }

    @Override
    public Transactions transactions() {
        return txs;
    }

    @Override
    public ProxyMetrics metrics() {
        return metrics;
    }
}
