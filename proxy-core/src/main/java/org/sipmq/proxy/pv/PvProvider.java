package org.sipmq.proxy.pv;

/**
 * The values of one class of pseudo-variable, such as {@code $ci} or {@code $mqk(q)}, registered in a
 * {@link PvEngine} under its name without the {@code $}.
 *
 * <p>
 * A provider reads the state of the calling thread (the SIP message being routed, the thread's fetched queue items,
 * its {@code $var} values): it is called on the thread that evaluates the format, must not block, and must be
 * thread-safe.
 */
public interface PvProvider {
    /**
     * The value of {@code $name(argument)} for the calling thread, or null when it has none.
     *
     * @param argument the text between the parentheses, already evaluated when it was itself a pseudo-variable; null
     *        when the pseudo-variable was written without parentheses
     * @throws PvException when the argument names nothing valid (an unknown queue, say)
     */
    String get(String argument);

    /**
     * Checks, when a format is compiled, the argument written literally in it ({@code null} when there are no
     * parentheses) so that mistakes show at start-up rather than on the first message. The default accepts any.
     *
     * @throws PvException when the argument can never be valid
     */
    default void check(String argument) {
    }
}
