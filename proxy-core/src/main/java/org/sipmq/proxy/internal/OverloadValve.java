package org.sipmq.proxy.internal;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.SipStack;
import javax.sip.header.RetryAfterHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's message valve (property {@code gov.nist.javax.sip.SIP_MESSAGE_VALVE}): runs on the stack's reading
 * thread before any transaction exists, and answers a new request with 503 and Retry-After when the proxy has
 * {@code sip.max_in_flight} requests in flight, so that overload never queues without bound. Requests inside a dialog
 * (with a To tag) always pass, so that calls already up can end (BYE); the ACK for the valve's own 503 ends here, as
 * no one downstream saw its INVITE.
 *
 * <p>
 * The stack creates the valve by class name, so it finds its proxy through {@link #register} by stack name.
 */
public final class OverloadValve implements SIPMessageValve {
    private static final Logger log = LoggerFactory.getLogger(OverloadValve.class);
    private static final ConcurrentHashMap<String, Guard> GUARDS = new ConcurrentHashMap<>();
    /** The To tag of the valve's 503, by which its ACK is recognised. */
    static final String TO_TAG = "sq503";

    /** What the valve asks its proxy. */
    public interface Guard {
        /** True when a new request may enter. */
        boolean admit();

        int retryAfterSeconds();

        /** A request was answered 503 by the valve. */
        void rejected(String method);

        /** A response that matches no client transaction: a 2xx retransmission to forward statelessly. */
        void strayResponse(Response response);

        /** The ACK of one of the valve's 503 responses ended at the valve. */
        void absorbedAck();
    }

    private SIPTransactionStack stack;
    private Guard guard;

    static void register(String stackName, Guard guard) {
        GUARDS.put(stackName, guard);
    }

    static void unregister(String stackName) {
        GUARDS.remove(stackName);
    }

    @Override
    public void init(SipStack sipStack) {
        this.stack = (SIPTransactionStack) sipStack;
        this.guard = GUARDS.get(sipStack.getStackName());
        if (guard == null) {
            throw new IllegalStateException("no overload guard registered for SIP stack " + sipStack.getStackName());
        }
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        String method = request.getMethod();
        if (Request.ACK.equals(method)) {
            if (TO_TAG.equals(request.getToTag())) {
                guard.absorbedAck();
                return false;
            }
            return true;
        }
        if (Request.CANCEL.equals(method) || request.getToTag() != null || guard.admit()) {
            return true;
        }
        if (stack.findTransaction(request, true) != null) {
            return true; // a retransmission of a request already accepted: its transaction answers it
        }
        guard.rejected(method);
        SIPResponse busy = request.createResponse(Response.SERVICE_UNAVAILABLE, "Server Overloaded");
        try {
            RetryAfterHeader retryAfter = new gov.nist.javax.sip.header.RetryAfter();
            retryAfter.setRetryAfter(guard.retryAfterSeconds());
            busy.setHeader(retryAfter);
            busy.getTo().setTag(TO_TAG); // RFC 3261 8.2.6.2: a final response carries a To tag (none: not in dialog)
            channel.sendMessage(busy);
        } catch (IOException | javax.sip.InvalidArgumentException | java.text.ParseException e) {
            log.warn("could not send 503 for {} to {}:{}: {}", method, channel.getPeerAddress(), channel.getPeerPort(),
                    e.toString());
        }
        return false;
    }

    /**
     * Takes a response that matches no client transaction of ours before the stack looks for one. The stack's own
     * lookup, when the branch is not in its table, compares the response with every client transaction it holds (a
     * fallback for RFC 2543 peers); a proxy under load holding thousands of them would pay that for every 2xx
     * retransmission, and the more it falls behind the more retransmissions it gets. Our branches are RFC 3261 ones
     * ({@link SipSupport#randomBranch}), so a miss in the table is a miss.
     */
    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        SIPResponse r = (SIPResponse) response;
        String key = r.getTransactionId();
        if (key.startsWith(SipSupport.BRANCH_PREFIX_LOWER_CASE) && stack.findTransaction(key, false) == null) {
            guard.strayResponse(response);
            return false;
        }
        return true;
    }

    @Override
    public void destroy() {
    }
}
