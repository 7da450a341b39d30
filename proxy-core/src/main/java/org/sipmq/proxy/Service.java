package org.sipmq.proxy;

/**
 * A component with a life: started in {@link Phase} order and stopped in reverse by the {@link Lifecycle}. Modules
 * contribute services through a Guice {@code Multibinder<Service>}; the phase, not the binding order, decides when each
 * runs.
 */
public interface Service {
    /** When a service starts; services stop in the reverse order. */
    enum Phase {
        /** Databases and pools. */
        STORAGE,
        /** In-memory state loaded from storage, such as queues with dbmode 1 or 2. */
        QUEUE_STATE,
        /** Timer workers that drain the queues. */
        TIMERS,
        /** The SIP transport: sockets open last and close first. */
        TRANSPORT,
        /** Management endpoints (RPC, metrics). */
        MANAGEMENT
    }

    /** A short name for logs: {@code "mqueue-persistence"}. */
    String name();

    Phase phase();

    /** Starts the service; a thrown exception stops start-up and every service already started is stopped. */
    void start() throws Exception;

    /**
     * Called once every service has started, in start order: the application is up. A service that must undo part of
     * its start when a later service fails (such as putting back what it took from storage) knows from this that no
     * later service failed. Does nothing by default; should not throw (a failure is logged).
     */
    default void allStarted() {
    }

    /** Stops the service. Idempotent, and safe to call when {@link #start()} failed or never ran. Should not throw. */
    void stop();
}
