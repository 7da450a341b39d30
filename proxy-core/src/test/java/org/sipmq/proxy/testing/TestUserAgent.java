package org.sipmq.proxy.testing;

import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A small SIP user agent on 127.0.0.1 for call-flow tests, in the spirit of OkHttp's MockWebServer: as a UAS it
 * answers INVITEs by a scripted {@link Behavior} and records every request it gets ({@link #takeRequest()}); as a UAC
 * it sends INVITE, ACK, BYE and CANCEL through a proxy ({@link #useProxy}) and records every response by call.
 *
 * <pre>
 * try (TestUserAgent alice = TestUserAgent.start("alice"); TestUserAgent bob = TestUserAgent.start("bob")) {
 *     bob.setBehavior(Behavior.ringThenAnswer());
 *     alice.useProxy(proxyPort, "udp");
 *     TestUserAgent.Call call = alice.invite(bob.uri("bob"));
 *     assertThat(call.awaitFinal().getStatusCode()).isEqualTo(200);
 *     call.ack();
 *     assertThat(call.bye().getStatusCode()).isEqualTo(200);
 * }
 * </pre>
 *
 * It listens on one free port for both UDP and TCP. Waits are bounded ({@link #TIMEOUT}).
 */
public final class TestUserAgent implements SipListener, AutoCloseable {
    /** How long any wait of this class lasts at most. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final AtomicInteger STACKS = new AtomicInteger();

    private final String name;
    private final int port;
    private final SipStack stack;
    private final org.sipmq.proxy.internal.StackShutdown shutdown;
    private final SipProvider udp;
    private final SipProvider tcp;
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final List<Request> allRequests = new CopyOnWriteArrayList<>();
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    private final Map<String, ServerTransaction> pendingInvites = new ConcurrentHashMap<>();
    private final AtomicInteger tags = new AtomicInteger();
    private volatile Behavior behavior = Behavior.answer();
    private volatile String proxyRoute;
    private volatile String outTransport = "udp";

    /** What the UAS does with an INVITE. */
    @FunctionalInterface
    public interface Behavior {
        void onInvite(TestUserAgent uas, ServerTransaction transaction, Request invite) throws Exception;

        /** 200 OK at once. */
        static Behavior answer() {
            return (uas, st, invite) -> uas.respond(st, invite, 200);
        }

        /** 180 Ringing, then 200 OK. */
        static Behavior ringThenAnswer() {
            return (uas, st, invite) -> {
                uas.respond(st, invite, 180);
                uas.respond(st, invite, 200);
            };
        }

        /** 180 Ringing, then 200 OK, then the same 200 again as a retransmission (sent without the transaction). */
        static Behavior answerTwice() {
            return (uas, st, invite) -> {
                uas.respond(st, invite, 180);
                Response ok = uas.respond(st, invite, 200);
                uas.udp.sendResponse((Response) ok.clone());
            };
        }

        /** A final response with this code (486 Busy Here, say). */
        static Behavior reject(int code) {
            return (uas, st, invite) -> uas.respond(st, invite, code);
        }

        /** 180 Ringing and nothing else; a CANCEL ends it with 487. */
        static Behavior ring() {
            return (uas, st, invite) -> uas.respond(st, invite, 180);
        }

        /** Never answers, not even 180; a CANCEL still gets its 200 (and the INVITE its 487). */
        static Behavior silent() {
            return (uas, st, invite) -> {
            };
        }
    }

    private TestUserAgent(String name) throws Exception {
        this.name = name;
        this.port = FreePorts.udpAndTcp();
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "test-ua-" + name + "-" + STACKS.incrementAndGet());
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", "org.sipmq.proxy.internal.Slf4jStackLogger");
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", "org.sipmq.proxy.internal.Slf4jServerLogger");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "1");
        p.setProperty("gov.nist.javax.sip.REJECT_STRAY_RESPONSES", "false");
        shutdown = org.sipmq.proxy.internal.StackShutdown.create(() -> factory.createSipStack(p));
        stack = shutdown.stack();
        udp = stack.createSipProvider(stack.createListeningPoint("127.0.0.1", port, "udp"));
        tcp = stack.createSipProvider(stack.createListeningPoint("127.0.0.1", port, "tcp"));
        udp.addSipListener(this);
        tcp.addSipListener(this);
        addresses = factory.createAddressFactory();
        headers = factory.createHeaderFactory();
        messages = factory.createMessageFactory();
        stack.start();
    }

    /** Starts a user agent on a free port of 127.0.0.1 (UDP and TCP). */
    public static TestUserAgent start(String name) {
        try {
            return new TestUserAgent(name);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start test user agent " + name, e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code sip:user@127.0.0.1:port}, with {@code ;transport=tcp} when {@code transport} is tcp. */
    public String uri(String user, String transport) {
        return "sip:" + user + "@127.0.0.1:" + port + ("tcp".equalsIgnoreCase(transport) ? ";transport=tcp" : "");
    }

    public String uri(String user) {
        return uri(user, "udp");
    }

    public void setBehavior(Behavior behavior) {
        this.behavior = behavior;
    }

    /** Sends every request of this UAC through the proxy at 127.0.0.1:proxyPort on this transport. */
    public void useProxy(int proxyPort, String transport) {
        this.proxyRoute = "<sip:127.0.0.1:" + proxyPort + (transport.equalsIgnoreCase("tcp") ? ";transport=tcp" : "")
                + ";lr>";
        this.outTransport = transport.toLowerCase(java.util.Locale.ROOT);
    }

    /** The next request this UA received (ACKs and CANCELs included), waiting up to {@link #TIMEOUT}. */
    public Request takeRequest() throws InterruptedException {
        Request r = requests.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError(name + ": no request received within " + TIMEOUT);
        }
        return r;
    }

    /** The next request of this method, skipping others, waiting up to {@link #TIMEOUT}. */
    public Request takeRequest(String method) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Request r = requests.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (r != null && r.getMethod().equals(method)) {
                return r;
            }
        }
        throw new AssertionError(name + ": no " + method + " received within " + TIMEOUT + "; got " + methods());
    }

    /** Every request received so far, in order. */
    public List<Request> requests() {
        return List.copyOf(allRequests);
    }

    private List<String> methods() {
        return allRequests.stream().map(Request::getMethod).toList();
    }

    /** Sends a response on a server transaction: a To tag and a Contact on everything but 100. */
    public Response respond(ServerTransaction st, Request request, int code) throws Exception {
        Response r = messages.createResponse(code, request);
        if (code > 100) {
            ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
            if (to.getTag() == null) {
                to.setTag(name + "-" + Integer.toHexString(SipCallIds.tagSeed(request)));
            }
            SipURI contact = addresses.createSipURI(name, "127.0.0.1");
            contact.setPort(port);
            r.setHeader(headers.createContactHeader(addresses.createAddress(contact)));
            if (code < 300 && r.getHeader(RecordRouteHeader.NAME) == null) {
                ListIterator<?> rr = request.getHeaders(RecordRouteHeader.NAME);
                while (rr.hasNext()) {
                    r.addLast((RecordRouteHeader) ((RecordRouteHeader) rr.next()).clone());
                }
            }
        }
        st.sendResponse(r);
        return r;
    }

    // ---- UAC ----

    /** Starts a call: sends an INVITE to {@code requestUri} through the proxy. */
    public Call invite(String requestUri) throws Exception {
        return invite(requestUri, 70);
    }

    /** Starts a call with this Max-Forwards value. */
    public Call invite(String requestUri, int maxForwards) throws Exception {
        Call call = new Call("call-" + name + "-" + STACKS.get() + "-" + tags.incrementAndGet() + "@test");
        calls.put(call.callId, call);
        Request invite = call.newRequest(Request.INVITE, addresses.createURI(requestUri), null, List.of(), 1,
                maxForwards);
        SipURI contact = addresses.createSipURI(name, "127.0.0.1");
        contact.setPort(port);
        invite.setHeader(headers.createContactHeader(addresses.createAddress(contact)));
        call.invite = invite;
        call.inviteTx = provider().getNewClientTransaction(invite);
        call.inviteTx.sendRequest();
        return call;
    }

    /** Sends a non-INVITE request outside any call (OPTIONS, MESSAGE, ...) and returns its call record. */
    public Call request(String method, String requestUri) throws Exception {
        Call call = new Call("req-" + name + "-" + STACKS.get() + "-" + tags.incrementAndGet() + "@test");
        calls.put(call.callId, call);
        Request r = call.newRequest(method, addresses.createURI(requestUri), null, List.of(), 1, 70);
        provider().getNewClientTransaction(r).sendRequest();
        return call;
    }

    private SipProvider provider() {
        return "tcp".equals(outTransport) ? tcp : udp;
    }

    /** One call made by this UAC: what it sent and every response it got. */
    public final class Call {
        final String callId;
        final String fromTag = name + "-" + tags.incrementAndGet();
        final BlockingQueue<Response> responses = new LinkedBlockingQueue<>();
        final List<Response> all = new CopyOnWriteArrayList<>();
        Request invite;
        ClientTransaction inviteTx;
        Response answer;
        Request ack;
        long cseq = 1;

        Call(String callId) {
            this.callId = callId;
        }

        public String callId() {
            return callId;
        }

        Request newRequest(String method, javax.sip.address.URI uri, ToHeader to, List<Address> routes, long cseq,
                int maxForwards) throws Exception {
            SipURI fromUri = addresses.createSipURI(name, "127.0.0.1");
            FromHeader from = headers.createFromHeader(addresses.createAddress(fromUri), fromTag);
            ToHeader toHeader = to != null ? to : headers.createToHeader(addresses.createAddress(uri), null);
            ViaHeader via = headers.createViaHeader("127.0.0.1", port, outTransport, "z9hG4bK-ua-" + name + "-"
                    + tags.incrementAndGet());
            CallIdHeader cid = headers.createCallIdHeader(callId);
            CSeqHeader cs = headers.createCSeqHeader(cseq, method);
            Request r = messages.createRequest(uri, method, cid, cs, from, toHeader, new ArrayList<>(List.of(via)),
                    headers.createMaxForwardsHeader(maxForwards));
            for (Address route : routes) {
                r.addLast(headers.createRouteHeader(route));
            }
            if (routes.isEmpty() && proxyRoute != null) {
                r.addFirst(headers.createRouteHeader(addresses.createAddress(proxyRoute.substring(1, proxyRoute
                        .length() - 1))));
            }
            return r;
        }

        /** The next final response to the INVITE (provisional ones are kept in {@link #responses()}). */
        public Response awaitFinal() throws InterruptedException {
            return await(Request.INVITE, true);
        }

        /** The next response to a request of this method, final only if {@code finalOnly}. */
        public Response await(String method, boolean finalOnly) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                Response r = responses.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (r != null && ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod().equals(method)
                        && (!finalOnly || r.getStatusCode() >= 200)) {
                    if (Request.INVITE.equals(method) && r.getStatusCode() / 100 == 2) {
                        answer = r;
                    }
                    return r;
                }
            }
            throw new AssertionError("call " + callId + ": no " + (finalOnly ? "final " : "") + "response to "
                    + method + " within " + TIMEOUT + "; got " + codes());
        }

        /** Waits until {@code count} responses have arrived in all, then returns every status code in order. */
        public List<Integer> awaitCodes(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            synchronized (all) {
                while (all.size() < count && System.nanoTime() < deadline) {
                    all.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
            }
            return codes();
        }

        /** The status codes of every response received, in order of arrival. */
        public List<Integer> codes() {
            return all.stream().map(Response::getStatusCode).toList();
        }

        /** The status codes of the responses to requests of this method, in order of arrival. */
        public List<Integer> codes(String method) {
            return all.stream().filter(r -> ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod().equals(method))
                    .map(Response::getStatusCode).toList();
        }

        public List<Response> responses() {
            return List.copyOf(all);
        }

        /** Sends the ACK for the 2xx, statelessly, along the route set; call again to retransmit it unchanged. */
        public Request ack() throws Exception {
            if (ack == null) {
                if (answer == null) {
                    throw new IllegalStateException("no 2xx to acknowledge on call " + callId);
                }
                ack = inDialog(Request.ACK, ((CSeqHeader) invite.getHeader(CSeqHeader.NAME)).getSeqNumber());
            }
            provider().sendRequest((Request) ack.clone());
            return ack;
        }

        /** Sends BYE along the route set and returns its final response. */
        public Response bye() throws Exception {
            Request bye = inDialog(Request.BYE, ++cseq);
            provider().getNewClientTransaction(bye).sendRequest();
            return await(Request.BYE, true);
        }

        /** Sends a request of this method inside the call's dialog (INFO, UPDATE, re-INVITE) and returns its final. */
        public Response inDialogRequest(String method) throws Exception {
            Request r = inDialog(method, ++cseq);
            provider().getNewClientTransaction(r).sendRequest();
            return await(method, true);
        }

        /** Sends CANCEL for the INVITE and returns its response (200 from the proxy). */
        public Response cancel() throws Exception {
            sendCancel();
            return await(Request.CANCEL, true);
        }

        /** Sends CANCEL for the INVITE without waiting for its response. */
        public void sendCancel() throws Exception {
            Request cancel = inviteTx.createCancel();
            provider().getNewClientTransaction(cancel).sendRequest();
        }

        private Request inDialog(String method, long cseq) throws Exception {
            ContactHeader contact = (ContactHeader) answer.getHeader(ContactHeader.NAME);
            List<Address> routes = new ArrayList<>();
            ListIterator<?> rr = answer.getHeaders(RecordRouteHeader.NAME);
            while (rr.hasNext()) {
                routes.add((Address) ((RecordRouteHeader) rr.next()).getAddress().clone());
            }
            Collections.reverse(routes);
            ToHeader to = (ToHeader) answer.getHeader(ToHeader.NAME).clone();
            Request r = newRequest(method, contact.getAddress().getURI(), to, routes, cseq, 70);
            if (routes.isEmpty()) {
                r.removeHeader(RouteHeader.NAME);
            }
            return r;
        }
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        allRequests.add(request);
        requests.add(request);
        if (Request.ACK.equals(request.getMethod())) {
            return;
        }
        SipProvider provider = (SipProvider) event.getSource();
        try {
            ServerTransaction st = event.getServerTransaction() != null
                    ? event.getServerTransaction()
                    : provider.getNewServerTransaction(request);
            String branch = ((ViaHeader) request.getHeader(ViaHeader.NAME)).getBranch();
            switch (request.getMethod()) {
                case Request.INVITE -> {
                    pendingInvites.put(branch, st);
                    behavior.onInvite(this, st, request);
                }
                case Request.CANCEL -> {
                    respond(st, request, 200);
                    ServerTransaction invite = pendingInvites.remove(branch);
                    if (invite != null && invite.getState().getValue() < javax.sip.TransactionState._COMPLETED) {
                        respond(invite, invite.getRequest(), 487);
                    }
                }
                default -> respond(st, request, 200);
            }
        } catch (Exception e) {
            throw new IllegalStateException(name + " failed on " + request.getMethod(), e);
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        Response r = event.getResponse();
        Call call = calls.get(((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId());
        if (call != null) {
            synchronized (call.all) {
                call.all.add(r);
                call.all.notifyAll();
            }
            call.responses.add(r);
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
    }

    @Override
    public void close() {
        shutdown.stop();
    }

    /** The UA's listening point of a transport, for tests that look at addresses. */
    public ListeningPoint listeningPoint(String transport) {
        return ("tcp".equalsIgnoreCase(transport) ? tcp : udp).getListeningPoint(transport);
    }

    /** Builds To tags that differ per request and stay the same for its retransmissions. */
    private static final class SipCallIds {
        static int tagSeed(Request request) throws ParseException {
            return (((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId() + ((CSeqHeader) request
                    .getHeader(CSeqHeader.NAME)).getSeqNumber()).hashCode();
        }
    }
}
