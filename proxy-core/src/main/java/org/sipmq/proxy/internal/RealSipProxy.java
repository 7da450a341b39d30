package org.sipmq.proxy.internal;

import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.SipStackImpl;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Router;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.sipmq.proxy.ListenAddress;
import org.sipmq.proxy.ProxyConfig;
import org.sipmq.proxy.PvEngine;
import org.sipmq.proxy.RoutingHook;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.SipProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction-stateful proxy on JAIN-SIP. The stack's threads only create the server transaction (and send 100
 * Trying for an INVITE), then hand the message to the call's worker stripe; the routing and the hooks run there.
 */
@Singleton
public final class RealSipProxy implements SipProxy, Service, SipListener, ProxyCore {
    private static final Logger log = LoggerFactory.getLogger(RealSipProxy.class);
    private static final AtomicInteger STACKS = new AtomicInteger();
    private static final long STOP_TIMEOUT_MILLIS = 2_000;

    private final ProxyConfig config;
    private final List<RoutingHook> hooks;
    private final PvEngine pvs;
    private final ProxyMetrics metrics;
    private final int workerQueue;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentHashMap<String, ProxyTransaction> invites = new ConcurrentHashMap<>();
    private final String stackName = "sipmq-proxy-" + STACKS.incrementAndGet();

    private volatile SipStackImpl stack;
    private volatile StackShutdown shutdown;
    private volatile SipSupport sip;
    private volatile StripedExecutor workers;
    private volatile java.util.concurrent.ScheduledThreadPoolExecutor timerC;
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
        timerC = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, stackName + "-timer-c");
            t.setDaemon(true);
            return t;
        });
        timerC.setRemoveOnCancelPolicy(true); // a branch answered in time leaves nothing behind
        OverloadValve.register(stackName, new OverloadValve.Guard() {
            @Override
            public boolean admit() {
                return inFlight.get() < config.maxInFlight();
            }

            @Override
            public int retryAfterSeconds() {
                return config.retryAfterSeconds();
            }

            @Override
            public void rejected(String method) {
                metrics.request(method);
                metrics.rejected(method);
                metrics.reply(503);
            }

            @Override
            public void absorbedAck() {
                metrics.request(Request.ACK);
            }

            @Override
            public void strayResponse(Response response) {
                onStrayResponse(response);
            }
        });
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        shutdown = StackShutdown.create(() -> factory.createSipStack(StackProperties.of(stackName, config)));
        stack = (SipStackImpl) shutdown.stack();
        List<SipProvider> providers = new ArrayList<>();
        for (ListenAddress a : config.listen()) {
            ListeningPoint lp = stack.createListeningPoint(a.host(), a.port(), a.transport());
            checkReceiveBuffer(a, lp);
            SipProvider p = stack.createSipProvider(lp);
            p.addSipListener(this);
            providers.add(p);
        }
        sip = new SipSupport(factory.createAddressFactory(), factory.createHeaderFactory(), factory
                .createMessageFactory(), providers);
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

    /** The stack's server transaction of {@code request} while it still has one (it lingers after the answer), or null. */
    ServerTransaction serverTransaction(Request request) {
        SipStackImpl s = stack;
        return s == null
                ? null
                : (ServerTransaction) s.findTransaction((gov.nist.javax.sip.message.SIPMessage) request,
                        true);
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
        if (timerC != null) {
            timerC.shutdownNow();
        }
        if (workers != null) {
            workers.shutdown(STOP_TIMEOUT_MILLIS);
        }
        OverloadValve.unregister(stackName);
        log.info("SIP proxy {} stopped", stackName);
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod();
        metrics.request(method);
        SipProvider provider = (SipProvider) event.getSource();
        String callId = SipSupport.callId(request);
        if (Request.ACK.equals(method)) {
            if (event.getServerTransaction() == null) {
                workers.execute(callId, () -> forwardAckStatelessly(request));
            }
            return;
        }
        ServerTransaction server = event.getServerTransaction();
        try {
            if (server == null) {
                server = provider.getNewServerTransaction(request);
            }
            setTimers(server);
        } catch (TransactionAlreadyExistsException e) {
            return; // a retransmission racing its original: the transaction absorbs it
        } catch (Exception e) {
            log.warn("cannot create a server transaction for {} {}: {}", method, callId, e.toString());
            return;
        }
        if (Request.CANCEL.equals(method)) {
            ServerTransaction cancel = server;
            // the CANCEL of an INVITE in progress is a follow-up of accepted work, never refused
            boolean queued = invites.containsKey(inviteKey(request))
                    ? workers.followUp(callId, () -> handleCancel(cancel))
                    : workers.execute(callId, () -> handleCancel(cancel));
            if (!queued) {
                answerCancel(cancel, false); // at once: its transaction would absorb every retransmission
            }
            return;
        }
        ProxyTransaction pt = new ProxyTransaction(this, server, request, provider);
        server.setApplicationData(pt);
        inFlight.incrementAndGet();
        if (Request.INVITE.equals(method)) {
            invites.put(inviteKey(request), pt);
            try {
                server.sendResponse(sip.response(100, "Trying", request));
            } catch (Exception e) {
                log.debug("cannot send 100 Trying for {}: {}", callId, e.toString());
            }
        }
        if (!workers.execute(callId, pt::onRequest)) {
            pt.refuse(config.retryAfterSeconds()); // 503 by the transaction, finished once
        }
    }

    private static String inviteKey(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        return (via == null ? "" : via.getBranch()) + "|" + SipSupport.callId(request);
    }

    private void handleCancel(ServerTransaction cancel) {
        Request request = cancel.getRequest();
        ProxyTransaction pt = invites.get(inviteKey(request));
        answerCancel(cancel, pt != null);
        if (pt != null) {
            pt.onCancel();
        }
    }

    private void answerCancel(ServerTransaction cancel, boolean matched) {
        Request request = cancel.getRequest();
        try {
            cancel.sendResponse(matched
                    ? sip.response(200, "OK", request)
                    : sip.response(481, "Call/Transaction Does Not Exist", request));
            metrics.reply(matched ? 200 : 481);
        } catch (Exception e) {
            log.warn("cannot answer CANCEL {}: {}", SipSupport.callId(request), e.toString());
        }
    }

    private void forwardAckStatelessly(Request received) {
        Request ack = (Request) received.clone();
        try {
            javax.sip.header.MaxForwardsHeader mf = (javax.sip.header.MaxForwardsHeader) ack.getHeader(
                    javax.sip.header.MaxForwardsHeader.NAME);
            if (mf != null) {
                if (mf.getMaxForwards() <= 0) {
                    return;
                }
                mf.decrementMaxForwards();
            }
            sip.removeOwnRoutes(ack);
            SipProvider out = sip.outbound(router().getNextHop(ack).getTransport());
            if (out == null) {
                log.warn("no listening point to forward ACK {} to {}", SipSupport.callId(ack), ack.getRequestURI());
                return;
            }
            ack.addFirst(sip.via(out, SipSupport.stableBranch(received)));
            out.sendRequest(ack);
        } catch (Exception e) {
            log.warn("cannot forward ACK {}: {}", SipSupport.callId(ack), e.toString());
        }
    }

    @Override
    public void forwardResponseStatelessly(Response response) {
        ViaHeader top = (ViaHeader) response.getHeader(ViaHeader.NAME);
        if (!sip.isOurs(top)) {
            log.debug("stray response {} not for us: dropped", response.getStatusCode());
            return;
        }
        Response up = SipSupport.stripOwnVia(response);
        ViaHeader next = (ViaHeader) up.getHeader(ViaHeader.NAME);
        SipProvider out = next == null ? null : sip.outbound(next.getTransport());
        if (out == null) {
            return;
        }
        try {
            metrics.reply(up.getStatusCode());
            out.sendResponse(up);
        } catch (Exception e) {
            log.warn("cannot forward {} {} statelessly: {}", up.getStatusCode(), SipSupport.callId(up), e
                    .toString());
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        Response response = event.getResponse();
        ClientTransaction client = event.getClientTransaction();
        String callId = SipSupport.callId(response);
        if (client == null) {
            onStrayResponse(response);
            return;
        }
        if (client.getApplicationData() instanceof ProxyTransaction.Branch b) {
            workers.followUp(callId, () -> b.owner.onResponse(b, response));
        }
        // else: the answer to a CANCEL we sent, nothing to do
    }

    /** A response with no client transaction: a 2xx retransmission to forward; the answer to a lost CANCEL is not. */
    private void onStrayResponse(Response response) {
        javax.sip.header.CSeqHeader cseq = (javax.sip.header.CSeqHeader) response.getHeader(
                javax.sip.header.CSeqHeader.NAME);
        if (cseq != null && !Request.CANCEL.equals(cseq.getMethod())) {
            workers.execute(SipSupport.callId(response), () -> forwardResponseStatelessly(response));
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        if (!event.isServerTransaction() && event.getClientTransaction()
                .getApplicationData() instanceof ProxyTransaction.Branch b) {
            workers.followUp(SipSupport.callId(b.owner.request()), () -> b.owner.onTimeout(b));
        }
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        if (event.isServerTransaction() && event.getServerTransaction()
                .getApplicationData() instanceof ProxyTransaction pt) {
            workers.followUp(SipSupport.callId(pt.request()), pt::onServerTerminated);
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        log.debug("I/O error with {}:{}/{}", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        // no dialogs: AUTOMATIC_DIALOG_SUPPORT is off
    }

    @Override
    public java.util.concurrent.Future<?> startTimerC(String callId, Runnable onExpiry) {
        try {
            return timerC.schedule(() -> {
                workers.followUp(callId, onExpiry);
            }, config.timerCSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null; // stopping
        }
    }

    @Override
    public void finished(ProxyTransaction transaction) {
        inFlight.decrementAndGet();
        if (Request.INVITE.equals(transaction.request().getMethod())) {
            invites.remove(inviteKey(transaction.request()), transaction);
        }
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
        SipStackImpl s = stack;
        return s == null ? 0 : s.getServerTransactionTableSize() + s.getClientTransactionTableSize();
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
    public void setTimers(javax.sip.Transaction transaction) {
        transaction.setRetransmitTimer(config.t1Millis());
        if (transaction instanceof gov.nist.javax.sip.TransactionExt ext) {
            ext.setTimerT4(config.t4Millis());
        }
    }

    @Override
    public ProxyMetrics metrics() {
        return metrics;
    }
}
