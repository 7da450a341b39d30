package org.sipmq.proxy;

import java.util.ArrayList;
import java.util.List;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.config.Setting;

/**
 * The proxy's core settings, validated once and immutable. Read from the configuration file by {@link ProxyModule}
 * ({@link #read(ConfigFile, ConfigErrors)}) or built in code ({@link #builder()}); {@link #toString()} prints it back
 * as configuration lines. Every parameter is described in {@code docs/proxy.md}.
 */
public final class ProxyConfig {
    /** Names of the core parameters, as written in the configuration file. */
    public static final String LISTEN = "listen", WORKERS = "sip.workers", MAX_MESSAGE_SIZE = "sip.max_message_size",
            TCP_READ_TIMEOUT = "sip.tcp_read_timeout", MAX_IN_FLIGHT = "sip.max_in_flight",
            RETRY_AFTER = "sip.retry_after", T1 = "sip.t1", T4 = "sip.t4",
            MAX_LISTENER_RESPONSE_TIME = "sip.max_listener_response_time",
            MAX_TX_LIFETIME_INVITE = "sip.max_tx_lifetime_invite",
            MAX_TX_LIFETIME_NON_INVITE = "sip.max_tx_lifetime_non_invite", RECORD_ROUTE = "sip.record_route",
            TIMER_C = "sip.timer_c", UDP_RECEIVE_BUFFER = "sip.udp_receive_buffer",
            MAX_HEADER_LINE = "sip.max_header_line", OVERLOAD_BACKLOG = "sip.overload_backlog";

    private final List<ListenAddress> listen;
    private final int workers;
    private final int maxMessageSize;
    private final int maxHeaderLine;
    private final int overloadBacklog;
    private final int tcpReadTimeoutMillis;
    private final int maxInFlight;
    private final int retryAfterSeconds;
    private final int t1Millis;
    private final int t4Millis;
    private final int maxListenerResponseTimeSeconds;
    private final int maxTxLifetimeInviteSeconds;
    private final int maxTxLifetimeNonInviteSeconds;
    private final boolean recordRoute;
    private final int timerCSeconds;
    private final int udpReceiveBufferBytes;

    private ProxyConfig(Builder b) {
        this.listen = List.copyOf(b.listen);
        this.workers = b.workers;
        this.maxMessageSize = b.maxMessageSize;
        this.maxHeaderLine = b.maxHeaderLine;
        this.overloadBacklog = b.overloadBacklog;
        this.tcpReadTimeoutMillis = b.tcpReadTimeoutMillis;
        this.maxInFlight = b.maxInFlight;
        this.retryAfterSeconds = b.retryAfterSeconds;
        this.t1Millis = b.t1Millis;
        this.t4Millis = b.t4Millis;
        this.maxListenerResponseTimeSeconds = b.maxListenerResponseTimeSeconds;
        this.maxTxLifetimeInviteSeconds = b.maxTxLifetimeInviteSeconds;
        this.maxTxLifetimeNonInviteSeconds = b.maxTxLifetimeNonInviteSeconds;
        this.recordRoute = b.recordRoute;
        this.timerCSeconds = b.timerCSeconds;
        this.udpReceiveBufferBytes = b.udpReceiveBufferBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the core settings named by the constants of this class from {@code file}, reporting each bad one (with its
     * file, line, parameter, value and expectation) to {@code errors}. Bad values are replaced by their defaults so that
     * the application can still be wired and every other error reported in the same run.
     */
    public static ProxyConfig read(ConfigFile file, ConfigErrors errors) {
        Builder b = new Builder();
        for (Setting s : file.core(LISTEN)) {
            try {
                b.listen.add(ListenAddress.parse(s.value()));
            } catch (IllegalArgumentException e) {
                errors.add(s, e.getMessage());
            }
        }
        if (b.listen.isEmpty() && file.core(LISTEN).isEmpty()) {
            errors.add(file.source(), "listen: no listen address (expected: at least one line such as"
                    + " 'listen = udp:127.0.0.1:5060')");
        }
        b.workers = intValue(file, errors, WORKERS, b.workers, 1, 256, "");
        b.maxMessageSize = intValue(file, errors, MAX_MESSAGE_SIZE, b.maxMessageSize, 1024, 1 << 24, " bytes");
        b.maxHeaderLine = intValue(file, errors, MAX_HEADER_LINE, b.maxHeaderLine, 256, 1 << 24, " bytes");
        b.overloadBacklog = intValue(file, errors, OVERLOAD_BACKLOG, b.overloadBacklog, 1, 10_000_000, "");
        b.udpReceiveBufferBytes = intValue(file, errors, UDP_RECEIVE_BUFFER, b.udpReceiveBufferBytes, 65_536,
                1 << 28, " bytes");
        b.tcpReadTimeoutMillis = intValue(file, errors, TCP_READ_TIMEOUT, b.tcpReadTimeoutMillis, 100, 600_000,
                " milliseconds");
        b.maxInFlight = intValue(file, errors, MAX_IN_FLIGHT, b.maxInFlight, 1, 10_000_000, "");
        b.retryAfterSeconds = intValue(file, errors, RETRY_AFTER, b.retryAfterSeconds, 0, 86_400, " seconds");
        b.t1Millis = intValue(file, errors, T1, b.t1Millis, 10, 10_000, " milliseconds");
        b.t4Millis = intValue(file, errors, T4, b.t4Millis, 10, 60_000, " milliseconds");
        b.maxListenerResponseTimeSeconds = intValue(file, errors, MAX_LISTENER_RESPONSE_TIME,
                b.maxListenerResponseTimeSeconds, 1, 86_400, " seconds");
        b.maxTxLifetimeInviteSeconds = intValue(file, errors, MAX_TX_LIFETIME_INVITE, b.maxTxLifetimeInviteSeconds, 1,
                86_400, " seconds");
        b.maxTxLifetimeNonInviteSeconds = intValue(file, errors, MAX_TX_LIFETIME_NON_INVITE,
                b.maxTxLifetimeNonInviteSeconds, 1, 86_400, " seconds");
        b.timerCSeconds = intValue(file, errors, TIMER_C, b.timerCSeconds, 1, 86_400, " seconds");
        if (b.timerCSeconds >= b.maxTxLifetimeInviteSeconds) {
            List<Setting> timerC = file.core(TIMER_C);
            if (!timerC.isEmpty()) {
                errors.add(timerC.get(0), "'" + timerC.get(0).value() + "' " + timerCExpectation(
                        b.maxTxLifetimeInviteSeconds));
            } else {
                errors.add(file.core(MAX_TX_LIFETIME_INVITE).get(0), "'" + b.maxTxLifetimeInviteSeconds
                        + "' (expected: more than " + TIMER_C + " = " + b.timerCSeconds
                        + " seconds, or the INVITE server transaction ends before Timer C)");
            }
            b.timerCSeconds = Math.max(1, b.maxTxLifetimeInviteSeconds - 1);
        }
        Setting rr = last(file, errors, RECORD_ROUTE);
        if (rr != null) {
            switch (rr.value().toLowerCase(java.util.Locale.ROOT)) {
                case "on", "yes", "true", "1" -> b.recordRoute = true;
                case "off", "no", "false", "0" -> b.recordRoute = false;
                default -> errors.add(rr, "'" + rr.value() + "' (expected: on or off)");
            }
        }
        return new ProxyConfig(b); // may lack listen addresses: the error is reported, the start would fail
    }

    private static int intValue(ConfigFile file, ConfigErrors errors, String name, int dflt, int min, int max,
            String unit) {
        Setting s = last(file, errors, name);
        if (s == null) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(s.value().strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the expectation
        }
        errors.add(s, "'" + s.value() + "' (expected: an integer " + min + ".." + max + unit + ")");
        return dflt;
    }

    private static String timerCExpectation(int lifetime) {
        return "(expected: less than " + MAX_TX_LIFETIME_INVITE + " = " + lifetime
                + " seconds, or the INVITE server transaction ends before Timer C)";
    }

    /** The one setting named {@code name}, or null; a parameter given twice is an error (which one wins is unclear). */
    private static Setting last(ConfigFile file, ConfigErrors errors, String name) {
        List<Setting> all = file.core(name);
        for (int i = 1; i < all.size(); i++) {
            errors.add(all.get(i), "given again (first at " + all.get(0).where() + "; expected: once)");
        }
        return all.isEmpty() ? null : all.get(0);
    }

    /** The listen addresses, in file order; the first UDP and first TCP one are used for outgoing messages. */
    public List<ListenAddress> listen() {
        return listen;
    }

    /** Worker threads that run the proxy logic and hooks; messages of one call always run on the same one. */
    public int workers() {
        return workers;
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    /**
     * New requests waiting for a worker, all stripes together, past which a new request out of a dialog is refused
     * with 503 before any transaction exists ({@code sip.overload_backlog}).
     */
    public int overloadBacklog() {
        return overloadBacklog;
    }

    /** Longest start line or header line accepted, in bytes ({@code sip.max_header_line}). */
    public int maxHeaderLine() {
        return maxHeaderLine;
    }

    /**
     * The receive buffer asked of the kernel for each UDP listening socket ({@code SO_RCVBUF}): what arrives while the
     * reading thread is not reading (a GC pause, a burst) waits there instead of being dropped. Linux caps it at
     * {@code net.core.rmem_max}.
     */
    public int udpReceiveBufferBytes() {
        return udpReceiveBufferBytes;
    }

    public int tcpReadTimeoutMillis() {
        return tcpReadTimeoutMillis;
    }

    /** Requests being proxied (accepted, no final response sent yet) beyond which new requests get 503. */
    public int maxInFlight() {
        return maxInFlight;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** RFC 3261's T1, which scales every transaction timer (Timer B and F are 64*T1). */
    public int t1Millis() {
        return t1Millis;
    }

    /** RFC 3261's T4: how long a completed non-INVITE client transaction (Timer K) or INVITE server (Timer I) waits. */
    public int t4Millis() {
        return t4Millis;
    }

    public int maxListenerResponseTimeSeconds() {
        return maxListenerResponseTimeSeconds;
    }

    public int maxTxLifetimeInviteSeconds() {
        return maxTxLifetimeInviteSeconds;
    }

    public int maxTxLifetimeNonInviteSeconds() {
        return maxTxLifetimeNonInviteSeconds;
    }

    public boolean recordRoute() {
        return recordRoute;
    }

    /**
     * RFC 3261 Timer C (16.6 step 11): seconds an INVITE branch may go without a provisional response before the proxy
     * cancels it and counts it as 408.
     */
    public int timerCSeconds() {
        return timerCSeconds;
    }

    /** The configuration as core lines of a configuration file, one per line. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (ListenAddress a : listen) {
            out.append(LISTEN).append(" = ").append(a).append('\n');
        }
        out.append(WORKERS).append(" = ").append(workers).append('\n');
        out.append(MAX_MESSAGE_SIZE).append(" = ").append(maxMessageSize).append('\n');
        out.append(MAX_HEADER_LINE).append(" = ").append(maxHeaderLine).append('\n');
        out.append(OVERLOAD_BACKLOG).append(" = ").append(overloadBacklog).append('\n');
        out.append(UDP_RECEIVE_BUFFER).append(" = ").append(udpReceiveBufferBytes).append('\n');
        out.append(TCP_READ_TIMEOUT).append(" = ").append(tcpReadTimeoutMillis).append('\n');
        out.append(MAX_IN_FLIGHT).append(" = ").append(maxInFlight).append('\n');
        out.append(RETRY_AFTER).append(" = ").append(retryAfterSeconds).append('\n');
        out.append(T1).append(" = ").append(t1Millis).append('\n');
        out.append(T4).append(" = ").append(t4Millis).append('\n');
        out.append(MAX_LISTENER_RESPONSE_TIME).append(" = ").append(maxListenerResponseTimeSeconds).append('\n');
        out.append(MAX_TX_LIFETIME_INVITE).append(" = ").append(maxTxLifetimeInviteSeconds).append('\n');
        out.append(MAX_TX_LIFETIME_NON_INVITE).append(" = ").append(maxTxLifetimeNonInviteSeconds).append('\n');
        out.append(RECORD_ROUTE).append(" = ").append(recordRoute ? "on" : "off").append('\n');
        out.append(TIMER_C).append(" = ").append(timerCSeconds).append('\n');
        return out.toString();
    }

    /** Builds a configuration in code; {@link #build()} validates it. */
    public static final class Builder {
        private final List<ListenAddress> listen = new ArrayList<>();
        private int workers = 4;
        private int maxMessageSize = 65_536;
        private int maxHeaderLine = 4096;
        private int overloadBacklog = 500;
        private int tcpReadTimeoutMillis = 5_000;
        private int maxInFlight = 10_000;
        private int retryAfterSeconds = 5;
        private int t1Millis = 500;
        private int t4Millis = 5_000;
        private int maxListenerResponseTimeSeconds = 32;
        private int maxTxLifetimeInviteSeconds = 300;
        private int maxTxLifetimeNonInviteSeconds = 120;
        private boolean recordRoute = true;
        private int timerCSeconds = 185;
        private int udpReceiveBufferBytes = 4 << 20;

        private Builder() {
        }

        public Builder listen(ListenAddress address) {
            listen.add(address);
            return this;
        }

        public Builder listen(String address) {
            return listen(ListenAddress.parse(address));
        }

        public Builder workers(int n) {
            workers = check(WORKERS, n, 1, 256);
            return this;
        }

        public Builder overloadBacklog(int requests) {
            overloadBacklog = check(OVERLOAD_BACKLOG, requests, 1, 10_000_000);
            return this;
        }

        public Builder maxHeaderLine(int bytes) {
            maxHeaderLine = check(MAX_HEADER_LINE, bytes, 256, 1 << 24);
            return this;
        }

        public Builder maxMessageSize(int bytes) {
            maxMessageSize = check(MAX_MESSAGE_SIZE, bytes, 1024, 1 << 24);
            return this;
        }

        public Builder udpReceiveBufferBytes(int bytes) {
            udpReceiveBufferBytes = check(UDP_RECEIVE_BUFFER, bytes, 65_536, 1 << 28);
            return this;
        }

        public Builder tcpReadTimeoutMillis(int millis) {
            tcpReadTimeoutMillis = check(TCP_READ_TIMEOUT, millis, 100, 600_000);
            return this;
        }

        public Builder maxInFlight(int n) {
            maxInFlight = check(MAX_IN_FLIGHT, n, 1, 10_000_000);
            return this;
        }

        public Builder retryAfterSeconds(int seconds) {
            retryAfterSeconds = check(RETRY_AFTER, seconds, 0, 86_400);
            return this;
        }

        public Builder t1Millis(int millis) {
            t1Millis = check(T1, millis, 10, 10_000);
            return this;
        }

        public Builder t4Millis(int millis) {
            t4Millis = check(T4, millis, 10, 60_000);
            return this;
        }

        public Builder recordRoute(boolean on) {
            recordRoute = on;
            return this;
        }

        /** RFC 3261 Timer C, in seconds; RFC 3261 asks for more than 180, tests use less. */
        public Builder timerCSeconds(int seconds) {
            timerCSeconds = check(TIMER_C, seconds, 1, 86_400);
            return this;
        }

        private static int check(String name, int v, int min, int max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + ": " + v + " (expected: " + min + ".." + max + ")");
            }
            return v;
        }

        public ProxyConfig build() {
            if (listen.isEmpty()) {
                throw new IllegalStateException("listen: none (expected: at least one listen address)");
            }
            if (timerCSeconds >= maxTxLifetimeInviteSeconds) {
                throw new IllegalStateException(TIMER_C + ": " + timerCSeconds + " " + timerCExpectation(
                        maxTxLifetimeInviteSeconds));
            }
            return new ProxyConfig(this);
        }
    }
}
