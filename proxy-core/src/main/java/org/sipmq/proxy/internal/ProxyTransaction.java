package org.sipmq.proxy.internal;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.util.ArrayList;
import java.util.List;
import javax.sip.address.Hop;
import javax.sip.address.URI;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.sipmq.proxy.RoutingHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request being proxied statefully (RFC 3261 16): its server transaction, its branches and the best final
 * response so far. Every method runs on the call's worker stripe, one at a time, so the state needs no lock.
 */
@SuppressWarnings("try") // the scope restores the thread's message on close; it is not read in the block
final class ProxyTransaction {
    private static final Logger log = LoggerFactory.getLogger(ProxyTransaction.class);
    /** Failure hooks that keep forwarding to failing targets are stopped after this many rounds. */
    static final int MAX_FAILURE_ROUNDS = 10;

    private final ProxyCore core;
    private final ServerTx server;
    private final Request request;
    private final Listener in;
    private final List<Branch> branches = new ArrayList<>();
    private Response best;
    private boolean cancelled;
    private int failureRounds;
    private boolean finalSent;
    private volatile boolean finished; // volatile: refuse() sets it on a stack thread, before any worker runs

    /** A client transaction of this request towards one target. */
    static final class Branch {
        final ProxyTransaction owner;
        final Listener out;
        /** The request as sent on this branch. */
        final Request request;
        ClientTx client;
        boolean provisional;
        boolean done;
        boolean cancelWanted;
        boolean cancelSent;
        TimerCs.Handle timerC;
        int timerCRuns; // which run of Timer C is current: an expiry queued before a reset is stale

        Branch(ProxyTransaction owner, Listener out, Request request) {
            this.owner = owner;
            this.out = out;
            this.request = request;
        }
    }

    ProxyTransaction(ProxyCore core, ServerTx server, Request request, Listener in) {
        this.core = core;
        this.server = server;
        this.request = request;
        this.in = in;
    }

    void onRequest() {
        MaxForwardsHeader mf = (MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME);
        try {
            if (mf == null) {
                request.addHeader(core.sip().headers.createMaxForwardsHeader(70));
            } else if (mf.getMaxForwards() <= 0) {
                reply(483, "Too Many Hops");
                return;
            } else {
                mf.decrementMaxForwards();
            }
        } catch (javax.sip.InvalidArgumentException | javax.sip.header.TooManyHopsException e) {
            reply(483, "Too Many Hops");
            return;
        }
        core.sip().removeOwnRoutes(request);
        Contexts.Req ctx = new Contexts.Req(core.sip(), core.pvs(), request);
        try (CurrentMessage.Scope s = CurrentMessage.enter(new CurrentMessage(request, null, request))) {
            for (RoutingHook hook : core.hooks()) {
                try {
                    hook.onRequest(ctx);
                } catch (RuntimeException e) {
                    log.error("request hook {} failed on {} {}", hook.getClass().getName(), request.getMethod(),
                            SipSupport.callId(request), e);
                    reply(500, "Server Internal Error");
                    return;
                }
                if (ctx.decided()) {
                    break;
                }
            }
        }
        switch (ctx.action) {
            case REPLY -> reply(ctx.code, ctx.reason);
            case DROP -> drop();
            case FORWARD -> forward(ctx.targets);
            case NONE -> forward(java.util.Collections.singletonList(null));
        }
    }

    /** Starts one branch per target (null: the Request-URI as it is). */
    private void forward(List<URI> targets) {
        for (URI target : targets) {
            startBranch(target);
        }
        if (allDone()) {
            onAllDone();
        }
    }

    private void startBranch(URI target) {
        Request out = (Request) request.clone();
        Branch b = null;
        try {
            if (target != null) {
                out.setRequestURI(target);
            }
            Hop hop = core.router().getNextHop(out);
            Listener provider = hop == null ? null : core.sip().outbound(hop.getTransport());
            if (provider == null) {
                log.warn("no listening point for transport {} to reach {}: answering 503", hop == null
                        ? "?"
                        : hop
                                .getTransport(),
                        out.getRequestURI());
                consider(core.sip().response(503, "No Route To Destination", request));
                return;
            }
            if (core.sip().isOurs(hop.getHost(), hop.getPort())) {
                log.warn("{} {} would be sent to the proxy itself ({}): answering 482", request.getMethod(), SipSupport
                        .callId(request), out.getRequestURI());
                consider(core.sip().response(482, "Loop Detected", request));
                return;
            }
            ToHeader to = (ToHeader) out.getHeader(ToHeader.NAME);
            if (core.recordRoute() && to.getTag() == null && !Request.REGISTER.equals(out.getMethod())) {
                core.sip().addRecordRoute(out, in, provider);
            }
            out.addFirst(core.sip().via(provider, null));
            b = new Branch(this, provider, out);
            b.client = new ClientTx(core.transactions(), (SIPRequest) out, provider.linkTo(hop), b);
            branches.add(b);
            b.client.start();
            if (Request.INVITE.equals(out.getMethod())) {
                startTimerC(b);
            }
        } catch (Exception e) {
            core.sendFailed(request.getMethod() + " to " + out.getRequestURI(), SipSupport.callId(request), e);
            if (b != null) {
                b.done = true;
            }
            try {
                consider(core.sip().response(503, "Unable To Forward", request));
            } catch (java.text.ParseException pe) {
                throw new IllegalStateException(pe);
            }
        }
    }

    void onResponse(Branch b, Response response) {
        int code = response.getStatusCode();
        if (b.done) {
            if (code / 100 == 2) {
                core.forwardResponseStatelessly(response); // a 2xx retransmission: end-to-end, RFC 3261 16.7
            } else if (code < 200 && b.cancelWanted && !b.cancelSent) {
                sendCancel(b); // Timer C ended the branch before its first provisional
            }
            return;
        }
        if (code > 100 && code < 200) {
            startTimerC(b); // RFC 3261 16.7 step 2: reset on every provisional but 100
        }
        if (code < 200) {
            b.provisional = true;
            if (b.cancelWanted && !b.cancelSent) {
                sendCancel(b);
            }
        }
        boolean dropped = runReplyHooks(b, response);
        if (code == 100) {
            return;
        }
        if (code < 200) {
            if (!dropped && !finalSent) {
                sendUpstream(SipSupport.stripOwnVia(response));
            }
            return;
        }
        b.done = true;
        stopTimerC(b);
        if (code < 300) {
            if (finalSent) {
                core.forwardResponseStatelessly(response);
            } else {
                sendUpstream(SipSupport.stripOwnVia(response));
            }
            cancelLiveBranches();
            return;
        }
        consider(SipSupport.stripOwnVia(response));
        if (code >= 600) {
            cancelLiveBranches();
        }
        if (allDone()) {
            onAllDone();
        }
    }

    void onTimeout(Branch b) {
        if (b.done) {
            return;
        }
        b.done = true;
        stopTimerC(b);
        endedWith408();
    }

    /**
     * Timer C of an INVITE branch fired (RFC 3261 16.8): the branch is cancelled if it had a provisional response (else
     * on its first one) and counts as 408 at once, so that the caller gets a final response even if the callee never
     * answers the CANCEL.
     */
    void onTimerC(Branch b, int run) {
        if (b.done || run != b.timerCRuns) {
            return;
        }
        log.info("{} {}: Timer C fired on the branch to {}; cancelling it", request.getMethod(), SipSupport.callId(
                request), b.request.getRequestURI());
        b.done = true;
        b.cancelWanted = true;
        if (b.provisional && !b.cancelSent) {
            sendCancel(b);
        }
        endedWith408();
    }

    /** A branch ended without a final response of its own: it counts as 408. */
    private void endedWith408() {
        try {
            consider(core.sip().response(408, "Request Timeout", request));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
        if (allDone()) {
            onAllDone();
        }
    }

    private void startTimerC(Branch b) {
        stopTimerC(b);
        int run = ++b.timerCRuns;
        b.timerC = core.startTimerC(SipSupport.callId(request), () -> onTimerC(b, run));
    }

    private static void stopTimerC(Branch b) {
        if (b.timerC != null) {
            b.timerC.cancel();
            b.timerC = null;
        }
    }

    /** A CANCEL for this request arrived (and was answered 200). */
    void onCancel() {
        cancelled = true;
        if (finalSent) {
            return;
        }
        boolean alive = false;
        for (Branch b : branches) {
            if (!b.done) {
                alive = true;
                b.cancelWanted = true;
                if (b.provisional && !b.cancelSent) {
                    sendCancel(b);
                }
            }
        }
        if (!alive) {
            reply(487, "Request Terminated");
        }
    }

    /**
     * The worker had no room for this new request: answers 503 by its server transaction, before any worker saw it
     * (called on the stack's thread instead of {@link #onRequest}).
     */
    void refuse(int retryAfterSeconds) {
        try {
            Response busy = core.sip().response(503, "Server Overloaded", request);
            busy.setHeader(core.sip().headers.createRetryAfterHeader(retryAfterSeconds));
            sendUpstream(busy);
        } catch (java.text.ParseException | javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException("cannot build a 503 response", e);
        }
    }

    /** The server transaction outlived {@code sip.max_tx_lifetime_*} unanswered and was ended: nothing more is sent. */
    void expired() {
        finalSent = true;
        finish(0, "expired");
    }

    private boolean runReplyHooks(Branch b, Response response) {
        Contexts.Reply ctx = new Contexts.Reply(core.sip(), core.pvs(), response, b.request);
        try (CurrentMessage.Scope s = CurrentMessage.enter(new CurrentMessage(b.request, response,
                response))) {
            for (RoutingHook hook : core.hooks()) {
                try {
                    hook.onReply(ctx);
                } catch (RuntimeException e) {
                    log.error("reply hook {} failed on {} {}", hook.getClass().getName(), response.getStatusCode(),
                            SipSupport.callId(response), e);
                }
            }
        }
        return ctx.action == Contexts.Action.DROP;
    }

    private void onAllDone() {
        if (finalSent) {
            finish(0, "answered"); // sendUpstream or expired() finished it already: counted there
            return;
        }
        if (cancelled && (best == null || best.getStatusCode() != 487)) {
            try {
                best = core.sip().response(487, "Request Terminated", request);
            } catch (java.text.ParseException e) {
                throw new IllegalStateException("cannot build a 487 response", e);
            }
        }
        if (!cancelled && ++failureRounds > MAX_FAILURE_ROUNDS) {
            log.warn("{} {}: failure hooks forwarded {} times, sending {} upstream", request.getMethod(), SipSupport
                    .callId(request), MAX_FAILURE_ROUNDS, best.getStatusCode());
            sendUpstream(upstream(best));
            return;
        }
        Contexts.Failure ctx = new Contexts.Failure(core.sip(), core.pvs(), request, best, Math.max(failureRounds, 1),
                cancelled);
        try (CurrentMessage.Scope s = CurrentMessage.enter(new CurrentMessage(request, best, request))) {
            for (RoutingHook hook : core.hooks()) {
                try {
                    hook.onFailure(ctx);
                } catch (RuntimeException e) {
                    log.error("failure hook {} failed on {} {}", hook.getClass().getName(), request.getMethod(),
                            SipSupport.callId(request), e);
                    break;
                }
                if (ctx.decided()) {
                    break;
                }
            }
        }
        if (cancelled) {
            // As in Kamailio, where t_relay() fails in a failure_route of a cancelled transaction: the caller gave
            // up, so it gets its 487 whatever a hook asked for.
            if (ctx.action != Contexts.Action.NONE) {
                log.warn("{} {}: the call was cancelled; ignoring the failure hook's {}", request.getMethod(),
                        SipSupport.callId(request), ctx.action);
            }
            sendUpstream(best);
            return;
        }
        switch (ctx.action) {
            case FORWARD -> {
                best = null;
                forward(ctx.targets);
            }
            case REPLY -> reply(ctx.code, ctx.reason);
            default -> sendUpstream(upstream(best));
        }
    }

    /**
     * The response to send upstream for the best one: a 503 becomes 500 (RFC 3261 16.7 step 6), since the 503 of one
     * downstream element, or our own failure to reach one, does not mean that this proxy is unavailable.
     */
    private Response upstream(Response chosen) {
        if (chosen.getStatusCode() != 503) {
            return chosen;
        }
        try {
            return core.sip().response(500, "Server Internal Error", request);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("cannot build a 500 response", e);
        }
    }

    /**
     * A request hook dropped the request: as Kamailio's {@code drop} of a stateful request, nothing more is sent and the
     * transaction is released (an INVITE's caller has had its 100 Trying; a later CANCEL gets 481).
     */
    private void drop() {
        finish(0, "dropped");
        server.terminate();
    }

    /** Keeps the better of the final responses (RFC 3261 16.7: a 6xx first, else the lowest class). */
    private void consider(Response candidate) {
        if (best == null) {
            best = candidate;
            return;
        }
        int c = candidate.getStatusCode() / 100;
        int b = best.getStatusCode() / 100;
        if (b != 6 && (c == 6 || c < b)) {
            best = candidate;
        }
    }

    private boolean allDone() {
        for (Branch b : branches) {
            if (!b.done) {
                return false;
            }
        }
        return true;
    }

    private void cancelLiveBranches() {
        if (!Request.INVITE.equals(request.getMethod())) {
            return; // only an INVITE can be cancelled; other branches end by their own timers
        }
        for (Branch b : branches) {
            if (!b.done) {
                b.cancelWanted = true;
                if (b.provisional && !b.cancelSent) {
                    sendCancel(b);
                }
            }
        }
    }

    private void sendCancel(Branch b) {
        b.cancelSent = true;
        b.client.cancelSent(); // ends the INVITE's transaction if the callee never answers
        try {
            SIPRequest cancel = ((SIPRequest) b.request).createCancelRequest();
            new ClientTx(core.transactions(), cancel, b.client.link, null).start();
        } catch (Exception e) {
            core.sendFailed("CANCEL downstream", SipSupport.callId(request), e);
        }
    }

    private void reply(int code, String reason) {
        try {
            sendUpstream(core.sip().response(code, reason, request));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("cannot build a " + code + " response", e);
        }
    }

    private void sendUpstream(Response response) {
        core.metrics().reply(response.getStatusCode());
        if (response.getStatusCode() >= 200) {
            // Before the send: the caller may answer it (a new request) before this thread returns from the send,
            // and that request must not find this one still counted against sip.max_in_flight.
            finalSent = true;
            finish(response.getStatusCode(), null);
        }
        try {
            // An answered server transaction lingers to absorb retransmissions (a BYE's Timer J, 32 s) and lets go of
            // this object: the requests, branches and client transactions go with the next young collection.
            server.respond((SIPResponse) response);
        } catch (Exception e) {
            core.sendFailed(response.getStatusCode() + " upstream", SipSupport.callId(request), e);
        }
    }

    /** Ends this request's share of the in-flight count, once, counted by its final {@code code} or {@code outcome}. */
    private void finish(int code, String outcome) {
        if (!finished) {
            finished = true;
            core.metrics().completed(request.getMethod(), code, outcome);
            core.finished(this);
        }
    }

    Request request() {
        return request;
    }
}
