package org.sipmq.proxy.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The proxy's view of its own addresses and the JAIN-SIP factories: which URIs and Vias are ours, which provider
 * sends on which transport, and how our Via, Record-Route and synthesized responses are built. Immutable once the
 * stack is up; shared by every worker.
 */
final class SipSupport {
    final AddressFactory addresses;
    final HeaderFactory headers;
    final MessageFactory messages;
    private final Set<String> ours = new HashSet<>();
    private final Map<String, Listener> outbound = new LinkedHashMap<>();

    SipSupport(AddressFactory addresses, HeaderFactory headers, MessageFactory messages, List<Listener> listeners) {
        this.addresses = addresses;
        this.headers = headers;
        this.messages = messages;
        for (Listener l : listeners) {
            ours.add(l.ip + ":" + l.port);
            outbound.putIfAbsent(l.transport, l);
        }
    }

    /** The listening point that sends on {@code transport}, or null when the proxy does not listen on it. */
    Listener outbound(String transport) {
        return outbound.get(transport.toLowerCase(Locale.ROOT));
    }

    boolean isOurs(URI uri) {
        return uri instanceof SipURI s && ours.contains(s.getHost() + ":" + (s.getPort() > 0 ? s.getPort() : 5060));
    }

    /** True when host:port is one of our listening points (a request sent there would loop). */
    boolean isOurs(String host, int port) {
        return ours.contains(host + ":" + (port > 0 ? port : 5060));
    }

    boolean isOurs(ViaHeader via) {
        return via != null && ours.contains(via.getHost() + ":" + (via.getPort() > 0 ? via.getPort() : 5060));
    }

    /** Removes the Route headers that name this proxy from the top of the request (loose routing, RFC 3261 16.4). */
    void removeOwnRoutes(Request request) {
        RouteHeader top;
        while ((top = (RouteHeader) request.getHeader(RouteHeader.NAME)) != null && isOurs(top.getAddress()
                .getURI())) {
            request.removeFirst(RouteHeader.NAME);
        }
    }

    /** Adds our Record-Route; two of them when the request leaves by another listening point than it came in. */
    void addRecordRoute(Request request, Listener in, Listener out) throws ParseException, SipException {
        if (in != out) {
            request.addFirst(headers.createRecordRouteHeader(selfAddress(in)));
        }
        request.addFirst(headers.createRecordRouteHeader(selfAddress(out)));
    }

    private Address selfAddress(Listener l) throws ParseException {
        SipURI uri = addresses.createSipURI(null, l.ip);
        uri.setPort(l.port);
        if (!"udp".equals(l.transport)) {
            uri.setTransportParam(l.transport);
        }
        uri.setLrParam();
        return addresses.createAddress(uri);
    }

    /** Our Via for a message sent by {@code out}; a random branch when {@code branch} is null. */
    ViaHeader via(Listener out, String branch) throws ParseException, InvalidArgumentException {
        ViaHeader via = headers.createViaHeader(out.ip, out.port, out.transport.toUpperCase(Locale.ROOT), branch != null
                ? branch
                : randomBranch());
        via.setRPort();
        return via;
    }

    /**
     * The start of the To tag of every final response the proxy makes itself, by which the ACK of such a response is
     * recognised (it is hop by hop and ends at the proxy) even after the transaction that sent it is gone.
     */
    static final String OWN_TAG_PREFIX = "sq-";

    /** The To tag of the proxy's 503 sent without a transaction (overload). */
    static final String OWN_503_TAG = OWN_TAG_PREFIX + "503";

    /** Whether a To tag is one the proxy gave a final response of its own. */
    static boolean isOwnTag(String tag) {
        return tag != null && tag.startsWith(OWN_TAG_PREFIX);
    }

    /** The start of every branch of our client transactions, lower case as the stack's transaction ids are. */
    static final String BRANCH_PREFIX_LOWER_CASE = "z9hg4bk-sq-";

    static String randomBranch() {
        return "z9hG4bK-sq-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /**
     * A branch derived from the message's own top Via branch and Call-ID, so that every retransmission of a request
     * forwarded statelessly (an ACK for a 2xx) gets the same branch, and different requests different ones.
     */
    static String stableBranch(Message message) {
        ViaHeader top = (ViaHeader) message.getHeader(ViaHeader.NAME);
        String seed = (top == null ? "" : top.getBranch()) + "|" + message.getHeader("Call-ID") + "|" + message
                .getHeader("CSeq");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return "z9hG4bK-sqa-" + HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A response made by the proxy itself for {@code request}, with a To tag when final as RFC 3261 requires. */
    Response response(int code, String reason, Request request) throws ParseException {
        Response r = messages.createResponse(code, request);
        if (reason != null) {
            r.setReasonPhrase(reason);
        }
        ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
        if (code > 100 && to != null && to.getTag() == null) {
            to.setTag(OWN_TAG_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
        }
        return r;
    }

    /**
     * The downstream response without our Via, ready to go upstream: the response itself, which each path uses once
     * (after the reply hooks saw it whole); a copy would cost a deep clone of every header for every response.
     */
    static Response stripOwnVia(Response response) {
        response.removeFirst(ViaHeader.NAME);
        return response;
    }

    static String callId(Message message) {
        javax.sip.header.CallIdHeader h = (javax.sip.header.CallIdHeader) message.getHeader("Call-ID");
        return h == null ? "" : h.getCallId();
    }
}
