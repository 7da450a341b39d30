package org.sipmq.proxy.internal;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import javax.sip.address.URI;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.sipmq.proxy.FailureContext;
import org.sipmq.proxy.MessageContext;
import org.sipmq.proxy.ReplyContext;
import org.sipmq.proxy.RequestContext;
import org.sipmq.proxy.pv.PvEngine;

/** The hook contexts: thin views over a message that record the hook's decision for the proxy to carry out. */
final class Contexts {
    private Contexts() {
    }

    enum Action {
        NONE, FORWARD, REPLY, DROP
    }

    private abstract static class Base implements MessageContext {
        final SipSupport sip;
        final PvEngine pvs;
        Action action = Action.NONE;
        List<URI> targets = List.of();
        int code;
        String reason;

        Base(SipSupport sip, PvEngine pvs) {
            this.sip = sip;
            this.pvs = pvs;
        }

        @Override
        public String pv(String pv) {
            return pvs.get(pv);
        }

        @Override
        public String format(String format) {
            return pvs.format(format);
        }

        @Override
        public void addHeader(String name, String value) {
            try {
                message().addHeader(sip.headers.createHeader(name, value));
            } catch (ParseException e) {
                throw new IllegalArgumentException("header '" + name + ": " + value + "' does not parse: " + e
                        .getMessage(), e);
            }
        }

        @Override
        public void removeHeader(String name) {
            message().removeHeader(name);
        }

        void decide(Action a) {
            if (action != Action.NONE) {
                throw new IllegalStateException("the message was already decided (" + action + "); a hook may " + a
                        + " only once per message");
            }
            action = a;
        }

        void forwardTo(List<String> uris) {
            List<URI> parsed = new ArrayList<>();
            for (String u : uris) {
                try {
                    parsed.add(sip.addresses.createURI(u));
                } catch (ParseException e) {
                    throw new IllegalArgumentException("forward target '" + u
                            + "' is not a URI (expected: sip:user@host:port)", e);
                }
            }
            if (parsed.isEmpty()) {
                throw new IllegalArgumentException("forward needs at least one target URI");
            }
            decide(Action.FORWARD);
            targets = List.copyOf(parsed);
        }

        void replyWith(int code, String reason) {
            if (code < 200 || code > 699) {
                throw new IllegalArgumentException("reply code: " + code + " (expected: 200..699)");
            }
            decide(Action.REPLY);
            this.code = code;
            this.reason = reason;
        }

        public boolean decided() {
            return action != Action.NONE;
        }
    }

    static final class Req extends Base implements RequestContext {
        private final Request request;

        Req(SipSupport sip, PvEngine pvs, Request request) {
            super(sip, pvs);
            this.request = request;
        }

        @Override
        public Message message() {
            return request;
        }

        @Override
        public Request request() {
            return request;
        }

        @Override
        public void forward(List<String> uris) {
            forwardTo(uris);
        }

        @Override
        public void reply(int code, String reason) {
            replyWith(code, reason);
        }

        @Override
        public void drop() {
            decide(Action.DROP);
        }
    }

    static final class Reply extends Base implements ReplyContext {
        private final Response response;
        private final Request request;

        Reply(SipSupport sip, PvEngine pvs, Response response, Request request) {
            super(sip, pvs);
            this.response = response;
            this.request = request;
        }

        @Override
        public Message message() {
            return response;
        }

        @Override
        public Response response() {
            return response;
        }

        @Override
        public Request request() {
            return request;
        }

        @Override
        public void drop() {
            if (response.getStatusCode() >= 200) {
                throw new IllegalStateException("drop() of a " + response.getStatusCode()
                        + " response (expected: a provisional one; a 2xx must go upstream, RFC 3261 16.7, and a"
                        + " failure goes to the failure hooks)");
            }
            if (action != Action.DROP) {
                decide(Action.DROP);
            }
        }
    }

    static final class Failure extends Base implements FailureContext {
        private final Request request;
        private final Response response;
        private final int round;
        private final boolean cancelled;

        Failure(SipSupport sip, PvEngine pvs, Request request, Response response, int round, boolean cancelled) {
            super(sip, pvs);
            this.request = request;
            this.response = response;
            this.round = round;
            this.cancelled = cancelled;
        }

        @Override
        public int round() {
            return round;
        }

        @Override
        public boolean cancelled() {
            return cancelled;
        }

        @Override
        public Message message() {
            return request;
        }

        @Override
        public Request request() {
            return request;
        }

        @Override
        public Response response() {
            return response;
        }

        @Override
        public void forward(List<String> uris) {
            forwardTo(uris);
        }

        @Override
        public void reply(int code, String reason) {
            replyWith(code, reason);
        }
    }
}
