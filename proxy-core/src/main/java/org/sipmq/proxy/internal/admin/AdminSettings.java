package org.sipmq.proxy.internal.admin;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.config.Setting;

/**
 * The admin endpoint's settings, read once from the configuration file:
 *
 * <pre>
 * admin.listen = 127.0.0.1:5080     # IP literal and port; [::1]:5080 for IPv6; port 0 = any free port
 * admin.token = 6f1c0e...           # bearer token; required when admin.listen is not a loopback address
 * </pre>
 *
 * @param listen the address to bind
 * @param token the bearer token every request must carry, or null for none (loopback only)
 */
public record AdminSettings(InetSocketAddress listen, String token) {
    public static final String LISTEN = "admin.listen";
    public static final String TOKEN = "admin.token";
    public static final int DEFAULT_PORT = 5080;
    /** Shortest token accepted: a guessable token on a network address is no protection. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
    /** RFC 6750 token68 characters, so that the token fits an {@code Authorization: Bearer} header as is. */
    private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    /** 127.0.0.1:5080, no token. */
    public static AdminSettings defaults() {
        return new AdminSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT), null);
    }

    /** Reads {@code admin.*} from the file; every problem goes to {@code errors} and the defaults stand in for it. */
    public static AdminSettings read(ConfigFile file, ConfigErrors errors) {
        AdminSettings defaults = defaults();
        InetSocketAddress listen = defaults.listen();
        Setting listenAt = single(file.core(LISTEN), errors);
        if (listenAt != null) {
            InetSocketAddress parsed = parseListen(listenAt, errors);
            if (parsed != null) {
                listen = parsed;
            }
        }
        String token = null;
        Setting tokenAt = single(file.core(TOKEN), errors);
        if (tokenAt != null) {
            token = tokenAt.value();
            if (token.length() < MIN_TOKEN_LENGTH || !TOKEN68.matcher(token).matches()) {
                errors.add(tokenAt, "token of " + token.length() + " characters (expected: at least "
                        + MIN_TOKEN_LENGTH + " of A-Z a-z 0-9 - . _ ~ + /, such as the output of"
                        + " 'openssl rand -hex 32')");
                token = null;
            }
        }
        if (listenAt != null && !listen.getAddress().isLoopbackAddress() && token == null && tokenAt == null) {
            errors.add(listenAt, "'" + listenAt.value() + "' is not a loopback address, so " + TOKEN
                    + " is required (expected: " + TOKEN + " = <secret>, or a 127.0.0.1 / [::1] address)");
        }
        return new AdminSettings(listen, token);
    }

    private static Setting single(List<Setting> settings, ConfigErrors errors) {
        for (int i = 1; i < settings.size(); i++) {
            errors.add(settings.get(i), "set again (first set at " + settings.get(0).where() + "; expected: once)");
        }
        return settings.isEmpty() ? null : settings.get(0);
    }

    private static InetSocketAddress parseListen(Setting at, ConfigErrors errors) {
        String value = at.value().strip();
        String expected = " (expected: IP:port such as 127.0.0.1:5080 or [::1]:5080; port 0 for any free port)";
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            errors.add(at, "'" + value + "' has no port" + expected);
            return null;
        }
        String host = value.substring(0, colon);
        String portText = value.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535 || !portText.chars().allMatch(Character::isDigit)) {
            errors.add(at, "port '" + portText + "' in '" + value + "'" + expected);
            return null;
        }
        InetAddress address = literal(host);
        if (address == null) {
            errors.add(at, "address '" + host + "' in '" + value + "' is not an IP literal or localhost" + expected);
            return null;
        }
        return new InetSocketAddress(address, port);
    }

    /** The address of an IP literal, without any name lookup (reading the configuration does no I/O). */
    private static InetAddress literal(String host) {
        String ip;
        if (host.equalsIgnoreCase("localhost")) {
            return InetAddress.getLoopbackAddress();
        } else if (host.startsWith("[") && host.endsWith("]") && IPV6.matcher(host.substring(1, host.length() - 1))
                .matches() && host.indexOf(':') > 0) {
            ip = host.substring(1, host.length() - 1);
        } else if (IPV4.matcher(host).matches()) {
            for (String part : host.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
            ip = host;
        } else {
            return null;
        }
        try {
            return InetAddress.getByName(ip); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        String host = listen.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + listen.getPort()
                + (token == null ? " (no token)" : " (bearer token)");
    }
}
