package org.sipmq.proxy.internal;

import gov.nist.javax.sip.EventScanner;
import gov.nist.javax.sip.SipStackImpl;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.sip.SipStack;

/**
 * Creates and stops a JAIN-SIP stack without leaving a thread behind. The stack's non-daemon
 * {@code EventScannerThread} waits on its queue with {@code take()}, and {@code stop()} only sets a flag that the
 * thread never gets to read, so the JVM stays alive after {@code main} returns (RestComm/jain-sip issue 198). The
 * scanner threads that appeared while this stack was created or stopped are therefore interrupted after the flag is
 * set, which wakes them to see it and end. Creation and stop are serialized so that those threads are this stack's.
 */
public final class StackShutdown {
    private static final String SCANNER_THREAD = "EventScannerThread";

    private final SipStack stack;
    private final Set<Thread> scanners;

    private StackShutdown(SipStack stack, Set<Thread> scanners) {
        this.stack = stack;
        this.scanners = scanners;
    }

    /** Creates a stack with {@code create}, noting the scanner threads it starts. */
    public static synchronized StackShutdown create(Callable<? extends SipStack> create) throws Exception {
        Set<Thread> before = scannerThreads();
        SipStack stack = create.call();
        Set<Thread> mine = scannerThreads();
        mine.removeAll(before);
        return new StackShutdown(stack, mine);
    }

    public SipStack stack() {
        return stack;
    }

    /** Stops the stack and ends its scanner threads. */
    public void stop() {
        synchronized (StackShutdown.class) {
            Set<Thread> before = scannerThreads();
            stack.stop();
            if (stack instanceof SipStackImpl impl && impl.getEventScanner() != null) {
                EventScanner scanner = impl.getEventScanner();
                scanner.forceStop();
            }
            Set<Thread> mine = new HashSet<>(scanners);
            Set<Thread> reborn = scannerThreads();
            reborn.removeAll(before);
            mine.addAll(reborn);
            mine.forEach(Thread::interrupt);
        }
    }

    private static Set<Thread> scannerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> SCANNER_THREAD.equals(t.getName())).collect(
                Collectors.toSet());
    }
}
