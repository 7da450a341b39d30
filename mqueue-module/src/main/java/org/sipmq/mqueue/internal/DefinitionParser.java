package org.sipmq.mqueue.internal;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Parses one {@code mqueue} definition string with Kamailio's {@code parse_params} rules (case-insensitive attribute
 * names, whitespace around {@code =} and {@code ;}, values quoted with {@code "} or {@code '}, one trailing {@code ;})
 * plus our stricter checks (spec §1.1). It never stops at the first problem: every error goes to the sink, and the
 * definition is returned only when there was none, as a {@link Parsed} value that {@code MQueueDefinition} wraps.
 */
public final class DefinitionParser {
    /** A definition without errors; {@code backend} is {@code local} or {@code redis}, in lower case. */
    public record Parsed(String name, int size, int addmode, int dbmode, String backend) {
    }

    private static final String ATTRIBUTES = "name, size, addmode, dbmode, backend";

    private final String text;
    private final Consumer<String> errors;
    private int pos;
    private boolean failed;
    /** An attribute called name was read, even if its value was not: then a missing name was already reported. */
    private boolean nameSeen;

    private String name;
    private String size;
    private String addmode;
    private String dbmode;
    private String backend;

    private DefinitionParser(String text, Consumer<String> errors) {
        this.text = text;
        this.errors = errors;
    }

    /**
     * Parses {@code text}; each error message names the attribute, the bad value and what was expected (the caller
     * adds where the string came from).
     *
     * @return the definition, or null when there was any error
     */
    public static Parsed parse(String text, Consumer<String> errors) {
        return new DefinitionParser(text, errors).parse();
    }

    private Parsed parse() {
        skipSpace();
        if (atEnd()) {
            error("empty definition (expected: name=<queue>[;size=<n>][;addmode=<0-2>][;dbmode=<0-3>])");
            return null;
        }
        while (!atEnd()) {
            attribute();
        }
        if (name == null && !nameSeen) {
            error("missing attribute 'name' (expected: name=<queue name>)");
        } else if (name != null && name.isEmpty()) {
            error("name: \"\" (expected: a non-empty queue name)");
        }
        int sizeValue = number("size", size, Integer.MAX_VALUE, "an integer >= 0");
        int addmodeValue = number("addmode", addmode, 2, "0, 1 or 2");
        int dbmodeValue = number("dbmode", dbmode, 3, "0, 1, 2 or 3");
        String backendValue = backend();
        if (failed) {
            return null;
        }
        return new Parsed(name, sizeValue, addmodeValue, dbmodeValue, backendValue);
    }

    /**
     * Reads one {@code attr=value} and the {@code ;} after it. After a structural error it resumes at the next
     * attribute (after the next {@code ;}), so that one string reports all its errors, not only the first.
     */
    private void attribute() {
        int start = pos;
        while (!atEnd() && !isDelimiter(peek()) && peek() != '=') {
            pos++;
        }
        String attr = text.substring(start, pos);
        nameSeen |= attr.equalsIgnoreCase("name");
        skipSpace();
        if (attr.isEmpty()) {
            if (!atEnd() && peek() == ';') {
                error(text.startsWith(";;", pos)
                        ? "empty attribute at ';;' (expected: one ';' between attributes)"
                        : "empty attribute before ';' at column " + (pos + 1) + " (expected: attr=value)");
                skipSemicolons();
            } else if (!atEnd() && peek() == ',') {
                comma();
            } else {
                error("missing attribute name before '=' at column " + (pos + 1));
                resync();
            }
            return;
        }
        if (atEnd() || peek() != '=') {
            error("attribute '" + attr + "' has no value (expected: " + attr + "=<value>)");
            resync();
            return;
        }
        pos++;
        skipSpace();
        String value = value(attr);
        if (value == null) {
            resync();
            return;
        }
        assign(attr, value);
        skipSpace();
        if (atEnd()) {
            return;
        }
        if (peek() == ',') {
            comma();
            return;
        }
        if (peek() != ';') {
            error("unexpected text after the value of '" + attr + "': '" + rest()
                    + "' (expected: ';' between attributes; quote values holding spaces)");
            resync();
            return;
        }
        pos++;
        skipSpace();
        if (!atEnd() && peek() == ';') {
            error("empty attribute at ';;' (expected: one ';' between attributes)");
            skipSemicolons();
        }
    }

    /** The text from here to the next {@code ;} (or the end): what a resync skips. */
    private String rest() {
        int end = text.indexOf(';', pos);
        return text.substring(pos, end < 0 ? text.length() : end);
    }

    /** Goes on after the next {@code ;}, or to the end when there is none. */
    private void resync() {
        int next = text.indexOf(';', pos);
        pos = next < 0 ? text.length() : next + 1;
        skipSpace();
    }

    /** Skips a run of {@code ;} (and the whitespace between them) that was reported once. */
    private void skipSemicolons() {
        while (!atEnd() && (peek() == ';' || Character.isWhitespace(peek()))) {
            pos++;
        }
    }

    private String value(String attr) {
        if (!atEnd() && (peek() == '"' || peek() == '\'')) {
            char quote = text.charAt(pos++);
            int end = text.indexOf(quote, pos);
            if (end < 0) {
                error("unterminated quoted value of '" + attr + "' (missing closing " + quote + ")");
                return null;
            }
            String value = text.substring(pos, end);
            pos = end + 1;
            return value;
        }
        int start = pos;
        while (!atEnd() && !isDelimiter(peek())) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private void assign(String attr, String value) {
        switch (attr.toLowerCase(Locale.ROOT)) {
            case "name" -> name = once(attr, name, value);
            case "size" -> size = once(attr, size, value);
            case "addmode" -> addmode = once(attr, addmode, value);
            case "dbmode" -> dbmode = once(attr, dbmode, value);
            case "backend" -> backend = once(attr, backend, value);
            default -> error("unknown attribute '" + attr + "' (expected one of: " + ATTRIBUTES + ")");
        }
    }

    private String once(String attr, String previous, String value) {
        if (previous != null) {
            error("attribute '" + attr.toLowerCase(Locale.ROOT) + "' given twice (first \"" + previous + "\", then \""
                    + value + "\"; expected: each attribute at most once)");
            return previous;
        }
        return value;
    }

    /** Kamailio stops reading at a ',' and ignores the rest silently; we refuse it. */
    private void comma() {
        error("unexpected text after ',': '" + rest() + "' (expected: ';' between attributes)");
        resync();
    }

    private int number(String attr, String value, int max, String expected) {
        if (value == null) {
            return 0;
        }
        boolean digits = !value.isEmpty();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            digits &= c >= '0' && c <= '9';
        }
        if (digits) {
            try {
                int n = Integer.parseInt(value);
                if (n <= max) {
                    return n;
                }
            } catch (NumberFormatException tooLarge) {
                // reported below
            }
        }
        error(attr + ": \"" + value + "\" (expected: " + expected + ")");
        return 0;
    }

    /** {@code backend=local|redis} (ours, docs/scale-out.md); the value is case-insensitive like the names. */
    private String backend() {
        if (backend == null) {
            return "local";
        }
        String value = backend.toLowerCase(Locale.ROOT);
        if (value.equals("local") || value.equals("redis")) {
            return value;
        }
        error("backend: \"" + backend + "\" (expected: local or redis)");
        return "local";
    }

    private static boolean isDelimiter(char c) {
        return c == ';' || c == ',' || Character.isWhitespace(c);
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

    private void error(String message) {
        failed = true;
        errors.accept(message);
    }
}
