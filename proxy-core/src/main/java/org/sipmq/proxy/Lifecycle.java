package org.sipmq.proxy;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts every bound {@link Service} in {@link Service.Phase} order (then by name, so the order never depends on
 * binding order) and stops them in reverse. Start failing part way stops what had started. Stop is idempotent and
 * never throws.
 */
@Singleton
public final class Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final List<Service> services;
    private final List<Service> started = new ArrayList<>();
    private boolean startCalled;
    private boolean stopped;

    @Inject
    public Lifecycle(Set<Service> services) {
        List<Service> sorted = new ArrayList<>(services);
        sorted.sort(Comparator.comparing(Service::phase).thenComparing(Service::name));
        this.services = List.copyOf(sorted);
    }

    /** The services in start order. */
    public List<Service> services() {
        return services;
    }

    /**
     * Starts every service in order.
     *
     * @throws ServiceStartException naming the service that failed, after the ones already started were stopped
     */
    public synchronized void start() {
        if (startCalled || stopped) { // not `started`: with no service, or none started yet, it stays empty
            throw new IllegalStateException(stopped ? "lifecycle already stopped" : "lifecycle already started");
        }
        startCalled = true;
        for (Service s : services) {
            log.info("starting {} ({})", s.name(), s.phase());
            try {
                s.start();
            } catch (Exception | Error e) {
                started.add(s); // its stop() must still release whatever part of it started
                log.error("service '{}' failed to start; stopping what had started", s.name(), e);
                stop();
                throw new ServiceStartException(s.name(), e);
            }
            started.add(s);
        }
        for (Service s : started) {
            try {
                s.allStarted();
            } catch (Exception | Error e) {
                log.error("service '{}' failed in allStarted()", s.name(), e);
            }
        }
        log.info("started {} services", started.size());
    }

    /** Stops the started services in reverse order; idempotent, never throws. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            Service s = started.get(i);
            log.info("stopping {}", s.name());
            try {
                s.stop();
            } catch (Exception | Error e) { // Exception too: a checked one can be thrown sneakily
                log.error("service '{}' failed to stop cleanly", s.name(), e);
            }
        }
    }

    /** A service that failed to start; the message names it and the cause. */
    public static final class ServiceStartException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ServiceStartException(String service, Throwable cause) {
            super("service '" + service + "' failed to start: "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), cause);
        }
    }
}
