package org.sipmq.mqueue.interop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One JSON-RPC call over HTTP/1.1 on a plain socket, read back whole: status line (its reason phrase included, which
 * {@code java.net.http} hides), {@code Content-Type} and the body. The same bytes go to Kamailio's {@code jsonrpcs} and
 * to sipmq's admin endpoint, so that their answers can be compared field by field.
 *
 * @param status the HTTP status code
 * @param reason the HTTP reason phrase
 * @param contentType the {@code Content-Type} header, null when absent
 * @param body the body as text, {@code ""} when there is none
 */
record RpcExchange(int status, String reason, String contentType, String body) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int TIMEOUT_MS = 10_000;

    /** POSTs {@code json} to {@code http://127.0.0.1:port/RPC} and reads the answer until the server closes. */
    static RpcExchange post(int port, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST /RPC HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return parse(readAnswer(s.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("POST http://127.0.0.1:" + port + "/RPC " + json, e);
        }
    }

    /** Reads until the end of the body: by Content-Length when given (Kamailio keeps the socket open), else EOF. */
    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int headEnd = -1;
        int length = -1;
        for (int n; (n = in.read(buf)) > 0;) {
            all.write(buf, 0, n);
            String text = all.toString(StandardCharsets.UTF_8);
            if (headEnd < 0 && (headEnd = text.indexOf("\r\n\r\n")) >= 0) {
                length = contentLength(text.substring(0, headEnd));
            }
            if (headEnd >= 0 && length >= 0
                    && all.size() - (headEnd + 4) >= length) {
                break;
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                return Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        return -1;
    }

    private static RpcExchange parse(String answer) {
        int headEnd = answer.indexOf("\r\n\r\n");
        if (!answer.startsWith("HTTP/1.") || headEnd < 0) {
            throw new AssertionError("not an HTTP answer: '" + answer + "'");
        }
        String[] lines = answer.substring(0, headEnd).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        String contentType = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-type")) {
                contentType = lines[i].substring(colon + 1).trim();
            }
        }
        return new RpcExchange(Integer.parseInt(statusLine[1]), statusLine.length > 2 ? statusLine[2] : "",
                contentType, answer.substring(headEnd + 4));
    }

    /** The body as JSON; a missing node when there is no body. */
    JsonNode json() {
        if (body.isEmpty()) {
            return MAPPER.missingNode();
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
        }
    }

    /** The {@code result} member, failing with the whole answer when there is none. */
    JsonNode result() {
        JsonNode result = json().get("result");
        if (result == null) {
            throw new AssertionError("expected a result, got HTTP " + status + " " + body);
        }
        return result;
    }
}
