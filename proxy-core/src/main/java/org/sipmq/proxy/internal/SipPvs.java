package org.sipmq.proxy.internal;

import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import org.sipmq.proxy.pv.PvException;
import org.sipmq.proxy.pv.PvProvider;

/**
 * The SIP message pseudo-variables with Kamailio's meanings, reading {@link CurrentMessage} of the calling thread.
 * Outside a hook (no message) every one of them is null. See {@code docs/routing-hooks.md} for the list.
 */
public final class SipPvs {
    private SipPvs() {
    }

    /** Every provider, by name without {@code $}. */
    public static Map<String, PvProvider> all() {
        Map<String, PvProvider> pvs = new LinkedHashMap<>();
        pvs.put("ci", plain(m -> header(m.message(), CallIdHeader.NAME, h -> ((CallIdHeader) h).getCallId())));
        pvs.put("rm", plain(m -> m.request() != null
                ? m.request().getMethod()
                : header(m.message(), CSeqHeader.NAME, h -> ((CSeqHeader) h).getMethod())));
        pvs.put("ru", plain(m -> m.request() == null ? null : m.request().getRequestURI().toString()));
        pvs.put("rU", plain(m -> m.request() == null ? null : user(m.request().getRequestURI())));
        pvs.put("rd", plain(m -> m.request() == null ? null : host(m.request().getRequestURI())));
        pvs.put("fu", plain(m -> header(m.message(), FromHeader.NAME, h -> ((FromHeader) h).getAddress().getURI()
                .toString())));
        pvs.put("fU", plain(m -> header(m.message(), FromHeader.NAME, h -> user(((FromHeader) h).getAddress()
                .getURI()))));
        pvs.put("ft", plain(m -> header(m.message(), FromHeader.NAME, h -> ((FromHeader) h).getTag())));
        pvs.put("tu", plain(m -> header(m.message(), ToHeader.NAME, h -> ((ToHeader) h).getAddress().getURI()
                .toString())));
        pvs.put("tU", plain(m -> header(m.message(), ToHeader.NAME, h -> user(((ToHeader) h).getAddress().getURI()))));
        pvs.put("tt", plain(m -> header(m.message(), ToHeader.NAME, h -> ((ToHeader) h).getTag())));
        pvs.put("si", plain(m -> {
            InetAddress a = m.message() instanceof SIPMessage s ? s.getRemoteAddress() : null;
            return a == null ? null : a.getHostAddress();
        }));
        pvs.put("sp", plain(m -> {
            int p = m.message() instanceof SIPMessage s ? s.getRemotePort() : -1;
            return p <= 0 ? null : Integer.toString(p);
        }));
        pvs.put("pr", plain(m -> header(m.message(), ViaHeader.NAME, h -> ((ViaHeader) h).getTransport()
                .toLowerCase(Locale.ROOT))));
        pvs.put("rs", plain(m -> m.reply() == null ? null : Integer.toString(m.reply().getStatusCode())));
        pvs.put("rr", plain(m -> m.reply() == null ? null : m.reply().getReasonPhrase()));
        pvs.put("hdr", new HeaderPv());
        return pvs;
    }

    private static PvProvider plain(Function<CurrentMessage, String> read) {
        return new PvProvider() {
            @Override
            public String get(String argument) {
                CurrentMessage m = CurrentMessage.get();
                return m == null ? null : read.apply(m);
            }

            @Override
            public void check(String argument) {
                if (argument != null) {
                    throw new PvException("this pseudo-variable takes no argument, got '(" + argument + ")'");
                }
            }
        };
    }

    /** {@code $hdr(Name)}: the value of the first header of that name (compact forms understood), or null. */
    private static final class HeaderPv implements PvProvider {
        private static final Map<String, String> COMPACT = Map.ofEntries(Map.entry("i", "Call-ID"), Map.entry("m",
                "Contact"), Map.entry("e", "Content-Encoding"), Map.entry("l", "Content-Length"),
                Map.entry("c",
                        "Content-Type"),
                Map.entry("f", "From"), Map.entry("s", "Subject"), Map.entry("k",
                        "Supported"),
                Map.entry("t", "To"), Map.entry("v", "Via"), Map.entry("o", "Event"),
                Map.entry("r", "Refer-To"), Map.entry("u", "Allow-Events"), Map.entry("x", "Session-Expires"));

        @Override
        public String get(String written) {
            CurrentMessage m = CurrentMessage.get();
            if (m == null) {
                return null;
            }
            String name = COMPACT.getOrDefault(written.toLowerCase(Locale.ROOT), written);
            return header(m.message(), name, h -> h instanceof SIPHeader s
                    ? s.getHeaderValue().strip()
                    : h
                            .toString());
        }

        @Override
        public void check(String argument) {
            if (argument == null || argument.isBlank()) {
                throw new PvException("$hdr needs a header name: $hdr(User-Agent)");
            }
        }
    }

    private static String header(Message message, String name, Function<Header, String> value) {
        if (message == null) {
            return null;
        }
        Header h = message.getHeader(name);
        return h == null ? null : value.apply(h);
    }

    private static String user(URI uri) {
        return uri instanceof SipURI s ? s.getUser() : null;
    }

    private static String host(URI uri) {
        return uri instanceof SipURI s ? s.getHost() : null;
    }
}
