package org.sipmq.proxy.internal;

import gov.nist.javax.sip.message.SIPMessage;
import java.io.IOException;

/** A peer as seen from one of the proxy's listening points: where a transaction's messages go. */
interface Link {
    /** Sends {@code message}; returns its encoding when a retransmission could reuse it (UDP), else null. */
    byte[] send(SIPMessage message) throws IOException;

    /** Sends {@code message} again, from {@code encoded} when {@link #send} returned it. */
    void resend(SIPMessage message, byte[] encoded) throws IOException;

    /** True on TCP: no retransmissions, no lingering to absorb them (RFC 3261 17.1.1.2, 17.2.1). */
    boolean reliable();

    Listener from();
}
