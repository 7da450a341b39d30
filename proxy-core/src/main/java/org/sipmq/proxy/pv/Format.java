package org.sipmq.proxy.pv;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled format string such as {@code "$rm from $fu"}: literal text with pseudo-variables, evaluated against the
 * calling thread's state each time it is rendered. Immutable and thread-safe; compile once, render often. Obtain one
 * from {@link PvEngine#compile(String)}.
 */
public final class Format {
    /** What a null pseudo-variable prints as inside a format, as in Kamailio. */
    public static final String NULL = "<null>";

    private final String text;
    private final Part[] parts;

    private Format(String text, Part[] parts) {
        this.text = text;
        this.parts = parts;
    }

    /** The format as written. */
    public String text() {
        return text;
    }

    /** True when the format has no pseudo-variable: {@link #render()} always gives {@link #text()}. */
    public boolean isLiteral() {
        return parts.length == 0 || (parts.length == 1 && parts[0] instanceof Literal);
    }

    /** True when the format is exactly one pseudo-variable, with no text around it. */
    boolean isSinglePv() {
        return parts.length == 1 && parts[0] instanceof Pv;
    }

    /** The text with each pseudo-variable replaced by its value; a null value prints as {@code <null>}. */
    public String render() {
        if (parts.length == 1) {
            String v = parts[0].value();
            return v == null ? NULL : v;
        }
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (Part p : parts) {
            String v = p.value();
            out.append(v == null ? NULL : v);
        }
        return out.toString();
    }

    /**
     * The value of a format that is exactly one pseudo-variable, null included; for any other format, the same as
     * {@link #render()}.
     */
    public String value() {
        if (parts.length == 1) {
            return parts[0].value();
        }
        return render();
    }

    @Override
    public String toString() {
        return text;
    }

    static Format parse(String text, PvEngine engine) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && isNameStart(text.charAt(i + 1))) {
                if (literal.length() > 0) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                int[] end = new int[1];
                parts.add(parsePv(text, i, end, engine));
                i = end[0];
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '(') {
                throw new PvException("transformations $(...) are not supported, in format \"" + text + "\"");
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
        }
        return new Format(text, parts.toArray(new Part[0]));
    }

    /** Parses the pseudo-variable starting at {@code start} (a {@code $}); stores the index after it in end[0]. */
    private static Pv parsePv(String text, int start, int[] end, PvEngine engine) {
        int i = start + 1;
        while (i < text.length() && isNamePart(text.charAt(i))) {
            i++;
        }
        String name = text.substring(start + 1, i);
        PvProvider provider = engine.provider(name);
        if (provider == null) {
            throw new PvException("unknown pseudo-variable '$" + name + "' in format \"" + text + "\" (known: "
                    + engine.names() + ")");
        }
        if (i >= text.length() || text.charAt(i) != '(') {
            provider.check(null);
            end[0] = i;
            return new Pv(name, provider, null, null);
        }
        int depth = 1;
        int j = i + 1;
        while (j < text.length() && depth > 0) {
            char c = text.charAt(j);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            j++;
        }
        if (depth > 0) {
            throw new PvException("missing ')' after '$" + name + "(' in format \"" + text + "\"");
        }
        String argument = text.substring(i + 1, j - 1);
        end[0] = j;
        if (argument.startsWith("$") && argument.length() > 1 && isNameStart(argument.charAt(1))) {
            int[] innerEnd = new int[1];
            Pv inner = parsePv(argument, 0, innerEnd, engine);
            if (innerEnd[0] != argument.length()) {
                throw new PvException("the name inside '$" + name + "(...)' must be one pseudo-variable or plain text,"
                        + " got '" + argument + "' in format \"" + text + "\"");
            }
            return new Pv(name, provider, null, inner);
        }
        provider.check(argument);
        return new Pv(name, provider, argument, null);
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }

    private interface Part {
        String value();
    }

    private record Literal(String text) implements Part {
        @Override
        public String value() {
            return text;
        }
    }

    private record Pv(String name, PvProvider provider, String argument, Pv inner) implements Part {
        @Override
        public String value() {
            if (inner == null) {
                return provider.get(argument);
            }
            String name = inner.value();
            if (name == null) {
                throw new PvException("the name inside $" + this.name + "(" + "$" + inner.name
                        + (inner.argument != null ? "(" + inner.argument + ")" : "") + ") is null");
            }
            return provider.get(name);
        }
    }
}
