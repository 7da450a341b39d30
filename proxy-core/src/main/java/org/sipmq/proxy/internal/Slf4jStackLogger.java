package org.sipmq.proxy.internal;

import gov.nist.core.StackLogger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's stack logger (property {@code gov.nist.javax.sip.STACK_LOGGER}) writing to SLF4J, so that the stack
 * needs no log4j. The stack asks {@link #isLoggingEnabled(int)} before building most messages, so the levels of the
 * SLF4J logger {@code gov.nist.javax.sip} decide the cost as well as the output.
 *
 * <p>
 * The ERROR lines the stack logs about a message it could not use (a TCP message with a malformed mandatory header,
 * a datagram without CSeq, ...) are not logged as such: each is counted by reason in the proxy's
 * {@link MalformedInput} (found by the thread's stack, see {@link MalformedInput#forThread}), which logs one sampled
 * line per second without stack trace. Which lines those are is {@link StackLogLines}' business; every other line is
 * logged as before.
 */
public final class Slf4jStackLogger implements StackLogger {
    private static final Logger log = LoggerFactory.getLogger("gov.nist.javax.sip");
    /** Samples the lines of a stack no proxy registered (a test user agent's): logged, counted nowhere. */
    private final MalformedInput unregistered = new MalformedInput(new SimpleMeterRegistry());
    /** One line a second for the stack's failed TCP connects (see {@link StackLogLines#tcpConnectFailure}). */
    private final SampledWarn tcpConnects = new SampledWarn(System::nanoTime, log::warn);

    @Override
    public void logStackTrace() {
        logStackTrace(TRACE_DEBUG);
    }

    @Override
    public void logStackTrace(int level) {
        if (isLoggingEnabled(level)) {
            log.debug("stack trace", new Throwable("stack trace"));
        }
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void logException(Throwable t) {
        log.error("SIP stack exception", t);
    }

    @Override
    public void logDebug(String message) {
        log.debug(message);
    }

    @Override
    public void logDebug(String message, Exception e) {
        log.debug(message, e);
    }

    @Override
    public void logTrace(String message) {
        log.trace(message);
    }

    @Override
    public void logFatalError(String message) {
        log.error(message);
    }

    @Override
    public void logError(String message) {
        if (!quiet(message, null)) {
            log.error(message);
        }
    }

    @Override
    public boolean isLoggingEnabled() {
        return log.isInfoEnabled();
    }

    @Override
    public boolean isLoggingEnabled(int level) {
        // LogLevels: TRACE_NONE 0, FATAL 2, ERROR 4, WARN 8, INFO 16, DEBUG 32, TRACE 64.
        if (level <= TRACE_ERROR) {
            return log.isErrorEnabled();
        } else if (level <= TRACE_WARN) {
            return log.isWarnEnabled();
        } else if (level <= TRACE_INFO) {
            return log.isInfoEnabled();
        } else if (level <= TRACE_DEBUG) {
            return log.isDebugEnabled();
        }
        return log.isTraceEnabled();
    }

    @Override
    public void logError(String message, Exception e) {
        if (e instanceof InterruptedException) {
            log.debug(message, e); // StackShutdown interrupts the event scanner on purpose
        } else if (!quiet(message, e)) {
            log.error(StackLogLines.withoutPacket(message), e);
        }
    }

    /**
     * True when the line was about malformed input, and was counted, or about a failed TCP send, and was sampled (or
     * is a companion line of either, logged at DEBUG).
     */
    private boolean quiet(String message, Exception e) {
        if (StackLogLines.companion(message) || StackLogLines.tcpSendCompanion(message, e)) {
            log.debug(message, e);
            return true;
        }
        String unreachable = StackLogLines.tcpConnectFailure(message);
        if (unreachable != null) {
            log.debug(message, e);
            tcpConnects.offer(skipped -> "SIP stack: could not connect over TCP to " + MalformedInput.printable(
                    unreachable) + " to send a message (a peer whose connection is gone is reached again, then at"
                    + " its Via's sent-by); " + skipped + " more since the last line (the stack's lines at DEBUG)");
            return true;
        }
        String thread = Thread.currentThread().getName();
        StackLogLines.Malformed m = StackLogLines.malformed(message, e, thread);
        if (m == null) {
            return false;
        }
        if (log.isDebugEnabled()) {
            log.debug(message, e); // the whole line, peer's bytes included, only for who asked
        }
        MalformedInput input = MalformedInput.forThread(thread);
        if (input == null) {
            input = unregistered;
        } else if (m.parseFailure() && input.parserCounts()) {
            return true; // counted by the parser already
        }
        input.record(m.reason(), m.transport(), m.host(), m.port(), m.detail());
        return true;
    }

    @Override
    public void logWarning(String message) {
        if (StackLogLines.tcpSendCompanion(message, null)) {
            log.debug(message); // a failed TCP send: sampled when the connect fails (logError)
        } else if (message != null
                && (message.startsWith("TLS ") || message.toLowerCase(java.util.Locale.ROOT).startsWith(
                        "using default"))) {
            log.debug(message); // the proxy listens on no TLS transport: the stack's TLS defaults are not news
        } else {
            log.warn(message);
        }
    }

    @Override
    public void logInfo(String message) {
        log.info(message);
    }

    @Override
    public void disableLogging() {
        // levels belong to the SLF4J backend's configuration
    }

    @Override
    public void enableLogging() {
        // levels belong to the SLF4J backend's configuration
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        log.debug("JAIN-SIP build {}", buildTimeStamp);
    }

    @Override
    public void setStackProperties(Properties properties) {
        // nothing to read: SLF4J is configured on its own
    }

    @Override
    public String getLoggerName() {
        return log.getName();
    }
}
