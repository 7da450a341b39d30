package org.sipmq.proxy;

import javax.sip.header.ToHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;

/**
 * What every hook context offers: the message being routed, its pseudo-variables, and header edits. The
 * pseudo-variables ({@code $ci}, {@code $rm}, ...) and the engine's formats read this message while the hook runs.
 */
public interface MessageContext {
    /** The message the hook was called for. Read it; change it only through the context's actions. */
    Message message();

    /** The request: the one being routed, or the one the reply or failure answers. */
    Request request();

    /**
     * True when {@link #request()} is inside a dialog (its To header has a tag: a re-INVITE, a BYE), false for the
     * request that starts one. Reply and failure hooks use it to tell a re-INVITE's answer from a new call's.
     */
    default boolean inDialog() {
        ToHeader to = (ToHeader) request().getHeader(ToHeader.NAME);
        return to != null && to.getTag() != null;
    }

    /** The value of one pseudo-variable for this message, such as {@code "$fu"} or {@code "$hdr(User-Agent)"}. */
    String pv(String pv);

    /** A format string evaluated for this message: {@code format("$rm from $fu")}. */
    String format(String format);

    /** Adds a header (name and value as they appear in SIP) to the message before it is sent on. */
    void addHeader(String name, String value);

    /** Removes every header of this name from the message before it is sent on. */
    void removeHeader(String name);
}
