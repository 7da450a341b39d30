package org.sipmq.proxy;

import java.util.Locale;

/**
 * One address the proxy listens on, written {@code udp:127.0.0.1:5060} or {@code tcp:10.0.0.1:5080} in the
 * configuration file. The port is required: a listening point on port 0 would advertise port 0 in its Via.
 *
 * @param transport {@code udp} or {@code tcp}, lower case
 * @param host an IPv4 or IPv6 literal, not a wildcard such as {@code 0.0.0.0} (no names: the stack binds to it and
 *        writes it in Via and Record-Route)
 * @param port 1 to 65535
 */
public record ListenAddress(String transport, String host, int port) {
    public ListenAddress {
        transport = transport.toLowerCase(Locale.ROOT);
        if (!transport.equals("udp") && !transport.equals("tcp")) {
            throw new IllegalArgumentException("transport: " + transport + " (expected: udp or tcp)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        if (!isIpLiteral(host)) {
            throw new IllegalArgumentException("host: " + host + " (expected: an IP address such as 127.0.0.1)");
        }
        if (isWildcard(host)) {
            throw new IllegalArgumentException("host: " + host + " (expected: the address peers reach, not a wildcard:"
                    + " it is written in Via and Record-Route)");
        }
    }

    private static boolean isWildcard(String ipLiteral) {
        try {
            return java.net.InetAddress.getByName(ipLiteral).isAnyLocalAddress(); // a literal: no name lookup
        } catch (java.net.UnknownHostException e) {
            return false; // not an address at all: the stack refuses it when binding
        }
    }

    /**
     * Parses {@code transport:host:port}; an IPv6 host is written in brackets, {@code udp:[::1]:5060}.
     *
     * @throws IllegalArgumentException naming the bad part and the expected form
     */
    public static ListenAddress parse(String text) {
        String t = text.strip();
        int first = t.indexOf(':');
        int last = t.lastIndexOf(':');
        if (first < 0 || last == first) {
            throw new IllegalArgumentException("'" + text + "' (expected: udp:IP:PORT or tcp:IP:PORT)");
        }
        String host = t.substring(first + 1, last);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(last + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port: '" + t.substring(last + 1) + "' in '" + text
                    + "' (expected: a number 1..65535)");
        }
        return new ListenAddress(t.substring(0, first), host, port);
    }

    private static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return host.matches("[0-9a-fA-F:.]+");
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** The address as written in the configuration file. */
    @Override
    public String toString() {
        return transport + ":" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
