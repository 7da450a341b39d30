package org.sipmq.proxy.internal.timer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Kamailio's {@code attr=value;attr=value} definition strings ({@code parse_params}): attribute names
 * case-insensitive, whitespace around {@code =} and {@code ;}, values quoted with {@code "} or {@code '} (quotes
 * stripped; the content may hold spaces and {@code ;}), one trailing {@code ;}. Stricter than Kamailio: {@code ;;}, an
 * attribute without {@code =}, a repeated attribute and stray text (such as a {@code ,}) are errors.
 */
public final class Params {
    /** One attribute; {@code name} is lower case. */
    public record Param(String name, String value) {
    }

    private final String text;
    private int pos;

    private Params(String text) {
        this.text = text;
    }

    /**
     * Parses a definition string.
     *
     * @return the attributes in order
     * @throws IllegalArgumentException whose message names the problem (without the string itself)
     */
    public static List<Param> parse(String text) {
        return new Params(text).parse();
    }

    /** A value as it must be written to read back the same: bare when it can be, else quoted. */
    public static String quote(String value) {
        boolean bare = !value.isEmpty()
                && value.chars().noneMatch(c -> Character.isWhitespace(c) || ";,=\"'".indexOf(c) >= 0);
        if (bare) {
            return value;
        }
        char q = value.indexOf('"') >= 0 ? '\'' : '"';
        return q + value + q;
    }

    private List<Param> parse() {
        List<Param> out = new ArrayList<>();
        skipSpace();
        if (atEnd()) {
            throw new IllegalArgumentException("empty definition (expected: attr=value;attr=value)");
        }
        while (true) {
            Param p = param();
            for (Param seen : out) {
                if (seen.name().equals(p.name())) {
                    throw new IllegalArgumentException("attribute '" + p.name() + "' given twice");
                }
            }
            out.add(p);
            skipSpace();
            if (atEnd()) {
                return out;
            }
            if (peek() != ';') {
                throw new IllegalArgumentException("unexpected '" + text.substring(pos).strip() + "' at column "
                        + (pos + 1) + " (expected: ';' between attributes)");
            }
            pos++;
            skipSpace();
            if (atEnd()) {
                return out; // one trailing ';'
            }
        }
    }

    private Param param() {
        int start = pos;
        while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '-')) {
            pos++;
        }
        if (pos == start) {
            throw new IllegalArgumentException(
                    "expected an attribute name at column " + (pos + 1) + (!atEnd() && peek() == ';'
                            ? " (';;' is not allowed)"
                            : ", got '" + text.substring(pos).strip() + "'"));
        }
        String name = text.substring(start, pos).toLowerCase(Locale.ROOT);
        skipSpace();
        if (atEnd() || peek() != '=') {
            throw new IllegalArgumentException("attribute '" + name + "' has no value (expected: " + name + "=value)");
        }
        pos++;
        skipSpace();
        return new Param(name, value());
    }

    private String value() {
        if (!atEnd() && (peek() == '"' || peek() == '\'')) {
            char quote = text.charAt(pos++);
            int end = text.indexOf(quote, pos);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated quoted value (missing closing " + quote + ")");
            }
            String value = text.substring(pos, end);
            pos = end + 1;
            return value;
        }
        int start = pos;
        while (!atEnd() && !Character.isWhitespace(peek()) && ";,=\"'".indexOf(peek()) < 0) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private void skipSpace() {
        while (!atEnd() && Character.isWhitespace(peek())) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return text.charAt(pos);
    }
}
