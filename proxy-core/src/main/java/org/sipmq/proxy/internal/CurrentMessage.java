package org.sipmq.proxy.internal;

import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The SIP message being routed on the calling thread, which the SIP pseudo-variables read. Set by the proxy around
 * each hook call ({@link #enter}, then {@link Scope#close()}), so a format evaluated from a hook, for example by
 * {@code mq_add}, sees the hook's message.
 *
 * @param request the request of the hook (for a reply: the branch's request), or null
 * @param reply the reply of a reply or failure hook, or null
 * @param message the message whose headers the pseudo-variables read: the reply in a reply hook, else the request
 */
public record CurrentMessage(Request request, Response reply, Message message) {
    private static final ThreadLocal<CurrentMessage> CURRENT = new ThreadLocal<>();

    /** The message of the calling thread, or null outside a hook. */
    public static CurrentMessage get() {
        return CURRENT.get();
    }

    /** Makes {@code current} the calling thread's message until the scope is closed (restoring the previous one). */
    public static Scope enter(CurrentMessage current) {
        CurrentMessage previous = CURRENT.get();
        CURRENT.set(current);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** A scope that cannot fail to close. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
