package org.sipmq.proxy.testing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * The malformed messages of {@code bench/flood.py}, for tests: each kind makes the bytes of one message (n numbers
 * it). Every request names {@code sink} in its Request-URI, so that one the proxy forwarded arrives there, and its
 * Call-ID {@code flood-KIND-N@TRANSPORT.flood}; a response's Vias name the sink too (none is the proxy: the proxy must drop
 * it). {@code sentBy} is the Via of requests, where answers go.
 */
public final class MalformedMessages {
    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 9 RTP/AVP 0\r\n";
    private final String sink;
    private final String sentBy;
    /** The host part of every Call-ID: {@code udp.flood} or {@code tcp.flood}, the transport it is sent by. */
    private final String callIdHost;
    private final Map<String, BiFunction<Random, Integer, byte[]>> kinds = new LinkedHashMap<>();

    /** {@code sink} and {@code sentBy} as {@code host:port}; {@code transport} of the Via, UDP or TCP. */
    public MalformedMessages(String sink, String sentBy, String transport) {
        this.sink = sink;
        this.sentBy = "SIP/2.0/" + transport + " " + sentBy;
        this.callIdHost = transport.toLowerCase(java.util.Locale.ROOT) + ".flood";
        kinds.put("garbage", (r, n) -> {
            byte[] b = new byte[20 + r.nextInt(1400)];
            r.nextBytes(b);
            return b;
        });
        kinds.put("truncated", (r, n) -> {
            byte[] full = request("truncated", n).body(SDP).bytes();
            return java.util.Arrays.copyOf(full, 10 + r.nextInt(190));
        });
        kinds.put("content_length_nan", (r, n) -> request("content_length_nan", n).body(SDP).contentLength("many")
                .bytes());
        kinds.put("content_length_over", (r, n) -> request("content_length_over", n).body(SDP).contentLength("5000")
                .bytes());
        kinds.put("content_length_negative", (r, n) -> request("content_length_negative", n).body(SDP)
                .contentLength("-12").bytes());
        kinds.put("stray_response", (r, n) -> ("SIP/2.0 " + List.of(180, 200, 486).get(r.nextInt(3)) + " Stray\r\n"
                + "Via: SIP/2.0/UDP " + sink + ";branch=z9hG4bK-stray" + n + "\r\n" //
                + "Via: SIP/2.0/UDP " + sink + ";branch=z9hG4bK-fl-stray-" + n + "\r\n" //
                + "From: <sip:flood@127.0.0.1>;tag=fl" + n + "\r\nTo: <sip:victim@" + sink + ">;tag=v" + n + "\r\n"
                + "Call-ID: flood-stray_response-" + n + "@" + callIdHost
                + "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        kinds.put("cseq_not_a_number", (r, n) -> request("cseq_not_a_number", n).header("CSeq", "one INVITE")
                .bytes());
        kinds.put("cseq_method_mismatch", (r, n) -> request("cseq_method_mismatch", n).method("OPTIONS")
                .header("CSeq", "1 BYE").bytes());
        for (String h : List.of("Via", "From", "To", "Call-ID", "CSeq")) {
            String kind = "no_" + h.toLowerCase(java.util.Locale.ROOT).replace("-", "_");
            kinds.put(kind, (r, n) -> request(kind, n).without(h).bytes());
        }
        kinds.put("bad_start_line", (r, n) -> request("bad_start_line", n).startLine(List.of("INVITE sip:victim@"
                + sink + " SIP/3.0", "HELLO WORLD", "INVITE  SIP/2.0", "INV(TE sip:victim@" + sink + " SIP/2.0").get(r
                        .nextInt(4)))
                .bytes());
        kinds.put("bad_request_uri", (r, n) -> request("bad_request_uri", n).startLine("INVITE sip:@@@:port;;; SIP/2.0")
                .bytes());
        kinds.put("bad_via", (r, n) -> request("bad_via", n).header("Via", List.of("SIP/2.0/UDP", "garbage",
                "SIP/2.0/UDP 127.0.0.1:notaport;branch=z9hG4bK-x", "SIP/9.9/XYZ ;;;;").get(r.nextInt(4))).bytes());
        kinds.put("header_without_colon", (r, n) -> request("header_without_colon", n).extra(
                "This line is not a header").bytes());
        kinds.put("nul_bytes", (r, n) -> request("nul_bytes", n).header("From", "\0\0<sip:flood@127.0.0.1>;tag=x")
                .bytes());
        kinds.put("non_utf8", (r, n) -> {
            byte[] b = request("non_utf8", n).header("From", "\"@@@@\" <sip:flood@127.0.0.1>;tag=x").bytes();
            String s = new String(b, StandardCharsets.ISO_8859_1).replace("@@@@", "\u00ff\u00fe\u00c3\u0028");
            return s.getBytes(StandardCharsets.ISO_8859_1);
        });
        kinds.put("max_forwards_garbage", (r, n) -> request("max_forwards_garbage", n).method("OPTIONS").header(
                "Max-Forwards", "lots").bytes());
    }

    /** Kind name to message maker, in a fixed order. */
    public Map<String, BiFunction<Random, Integer, byte[]>> kinds() {
        return kinds;
    }

    /** The kind of message {@code n} when the kinds are sent in turn. */
    public String kind(int n) {
        return (String) kinds.keySet().toArray()[n % kinds.size()];
    }

    public byte[] message(Random random, int n) {
        return kinds.get(kind(n)).apply(random, n);
    }

    /** A request with one thing to change. */
    public Builder request(String kind, int n) {
        return new Builder(kind, n);
    }

    /** An {@code OPTIONS sip:probe@target} with {@code Max-Forwards: 0} and Call-ID {@code probe-N@flood}. */
    public static byte[] probe(String target, String sentBy, int n) {
        return ("OPTIONS sip:probe@" + target + " SIP/2.0\r\nVia: SIP/2.0/UDP " + sentBy + ";branch=z9hG4bK-probe-" + n
                + ";rport\r\nMax-Forwards: 0\r\nFrom: <sip:flood@127.0.0.1>;tag=probe" + n + "\r\nTo: <sip:probe@"
                + target + ">\r\nCall-ID: probe-" + n + "@flood\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A request to the sink, valid until told otherwise. */
    public final class Builder {
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String method = "INVITE";
        private String startLine;
        private String extra;
        private String body = "";
        private String contentLength;

        Builder(String kind, int n) {
            headers.put("Via", sentBy + ";branch=z9hG4bK-fl-" + kind + "-" + n);
            headers.put("Max-Forwards", "70");
            headers.put("From", "<sip:flood@127.0.0.1>;tag=fl" + n);
            headers.put("To", "<sip:victim@" + sink + ">");
            headers.put("Call-ID", "flood-" + kind + "-" + n + "@" + callIdHost);
            headers.put("CSeq", null); // follows the method
            headers.put("Contact", "<sip:flood@127.0.0.1:9>");
        }

        public Builder method(String m) {
            this.method = m;
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Builder without(String name) {
            headers.remove(name);
            return this;
        }

        public Builder startLine(String line) {
            this.startLine = line;
            return this;
        }

        public Builder extra(String line) {
            this.extra = line;
            return this;
        }

        public Builder body(String b) {
            this.body = b;
            return this;
        }

        public Builder contentLength(String value) {
            this.contentLength = value;
            return this;
        }

        public byte[] bytes() {
            StringBuilder b = new StringBuilder(startLine != null
                    ? startLine
                    : method + " sip:victim@" + sink + " SIP/2.0").append("\r\n");
            headers.forEach((k, v) -> {
                if (k.equals("CSeq") && v == null) {
                    v = "1 " + method;
                }
                b.append(k).append(": ").append(v).append("\r\n");
            });
            if (extra != null) {
                b.append(extra).append("\r\n");
            }
            byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
            b.append("Content-Length: ").append(contentLength != null ? contentLength : bodyBytes.length)
                    .append("\r\n\r\n").append(body);
            return b.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
