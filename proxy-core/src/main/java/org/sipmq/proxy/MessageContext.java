package org.sipmq.proxy;

import javax.sip.message.Message;

/**
 * What every hook context offers: the message being routed, its pseudo-variables, and header edits. The
 * pseudo-variables ({@code $ci}, {@code $rm}, ...) and the engine's formats read this message while the hook runs.
 */
public interface MessageContext {
    /** The message the hook was called for. Read it; change it only through the context's actions. */
    Message message();

    /** The value of one pseudo-variable for this message, such as {@code "$fu"} or {@code "$hdr(User-Agent)"}. */
    String pv(String pv);

    /** A format string evaluated for this message: {@code format("$rm from $fu")}. */
    String format(String format);

    /** Adds a header (name and value as they appear in SIP) to the message before it is sent on. */
    void addHeader(String name, String value);

    /** Removes every header of this name from the message before it is sent on. */
    void removeHeader(String name);
}
