package org.sipmq.proxy.pv;

/** A pseudo-variable or format string that cannot be parsed or evaluated; the message names it. */
public final class PvException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PvException(String message) {
        super(message);
    }
}
