package org.sipmq.proxy.internal;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A {@link Link} that records what a transaction sent, and when: over "UDP" it returns the encoding from
 * {@link #send} and resends only from it, as the datagram link does; over "TCP" it is reliable and resends the message.
 */
final class FakeLink implements Link {
    /** One send or resend: what went (parsed back from the bytes when only bytes were given) and when. */
    record Sent(boolean resend, SIPMessage message, long atMillis) {
        /** {@code "send INVITE"}, {@code "resend 486"}: what a test usually compares. */
        String what() {
            return (resend ? "resend " : "send ") + SipText.summary(message);
        }
    }

    private final boolean reliable;
    private final LongSupplier millis;
    private final Listener from = Listener.udp("192.0.2.10", 5060, null);
    final List<Sent> sent = new ArrayList<>();
    /** When set, the next sends and resends fail with this. */
    IOException failure;

    private FakeLink(boolean reliable, LongSupplier millis) {
        this.reliable = reliable;
        this.millis = millis;
    }

    static FakeLink udp(LongSupplier millis) {
        return new FakeLink(false, millis);
    }

    static FakeLink tcp(LongSupplier millis) {
        return new FakeLink(true, millis);
    }

    @Override
    public byte[] send(SIPMessage message) throws IOException {
        if (failure != null) {
            throw failure;
        }
        byte[] bytes = message.encodeAsBytes(reliable ? "TCP" : "UDP");
        sent.add(new Sent(false, SipText.parse(bytes), millis.getAsLong()));
        return reliable ? null : bytes;
    }

    @Override
    public void resend(SIPMessage message, byte[] encoded) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (!reliable && encoded == null) {
            throw new IllegalStateException("a datagram resent without the encoding that send returned");
        }
        if (reliable && message == null) {
            throw new IllegalStateException("a stream resend without the message");
        }
        sent.add(new Sent(true, SipText.parse(reliable ? message.encodeAsBytes("TCP") : encoded), millis
                .getAsLong()));
    }

    @Override
    public boolean reliable() {
        return reliable;
    }

    @Override
    public Listener from() {
        return from;
    }

    /** What was sent, in order: {@code ["send 180@0", "resend 180@700"]}. */
    List<String> log() {
        return sent.stream().map(s -> s.what() + "@" + s.atMillis()).toList();
    }

    List<String> what() {
        return sent.stream().map(Sent::what).toList();
    }

    SIPRequest lastRequest() {
        return (SIPRequest) sent.get(sent.size() - 1).message();
    }

    SIPResponse lastResponse() {
        return (SIPResponse) sent.get(sent.size() - 1).message();
    }

    @Override
    public String toString() {
        return (reliable ? "fake-tcp:" : "fake-udp:") + sent.size() + " sent";
    }
}
