package org.sipmq.proxy.internal;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.SipStack;
import javax.sip.message.Response;

/**
 * The stack's message valve (property {@code gov.nist.javax.sip.SIP_MESSAGE_VALVE}): every message the stack parsed
 * from a TCP connection goes to the proxy's own transaction layer here, on the connection's thread, and never to the
 * stack's transactions (UDP datagrams do not reach the stack at all: {@link UdpProcessorFactory}). The stack creates
 * the valve by class name, so it finds its proxy through {@link #register} by stack name.
 */
public final class StackValve implements SIPMessageValve {
    private static final ConcurrentHashMap<String, Inbound> PROXIES = new ConcurrentHashMap<>();

    /** Where the listening points deliver what they receive. */
    interface Inbound {
        /**
         * A datagram received on a UDP listening point, on its reading thread; {@code here} when that thread keeps up
         * and should run the routing itself rather than wake a worker.
         */
        void datagram(Listener at, byte[] data, InetSocketAddress from, boolean here);

        /** A message parsed from a TCP connection, on the connection's thread. */
        void stream(SIPMessage message, MessageChannel channel);
    }

    private Inbound proxy;

    static void register(String stackName, Inbound proxy) {
        PROXIES.put(stackName, proxy);
    }

    static void unregister(String stackName) {
        PROXIES.remove(stackName);
    }

    @Override
    public void init(SipStack sipStack) {
        this.proxy = PROXIES.get(sipStack.getStackName());
        if (proxy == null) {
            throw new IllegalStateException("no proxy registered for SIP stack " + sipStack.getStackName());
        }
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        proxy.stream(request, channel);
        return false;
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        proxy.stream((SIPMessage) response, channel);
        return false;
    }

    @Override
    public void destroy() {
    }
}
