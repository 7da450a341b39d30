package org.sipmq.proxy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The proxy's configuration file: one parameter a line, in Kamailio's own syntax so that lines can be pasted from a
 * {@code kamailio.cfg} unchanged.
 *
 * <pre>
 * # core parameters
 * listen = udp:127.0.0.1:5060
 * listen = tcp:127.0.0.1:5060
 * # module parameters, verbatim from kamailio.cfg, in order
 * modparam("mqueue", "mqueue", "name=acc;size=100;addmode=2")
 * modparam("mqueue", "mqueue_size", 50)
 * </pre>
 *
 * <p>
 * Comments start with {@code #} or {@code //} outside quotes. Values may be quoted with {@code "} or {@code '}. A
 * {@code modparam} line may end with {@code ;}. Parsing never stops at the first error: every bad line is reported to
 * the {@link ConfigErrors} and the rest is still read. Readers take their settings with {@link #core(String)} and
 * {@link #module(String)}; {@link #reportUnread(ConfigErrors)} then names every line nobody took.
 */
public final class ConfigFile {
    private final String source;
    private final List<Setting> settings;
    private final Set<Setting> read = Collections.newSetFromMap(new IdentityHashMap<>());

    private ConfigFile(String source, List<Setting> settings) {
        this.source = source;
        this.settings = List.copyOf(settings);
    }

    /** Reads and parses a file; an unreadable file is reported as an error and gives an empty configuration. */
    public static ConfigFile read(Path path, ConfigErrors errors) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            errors.add(path.toString(), "cannot read configuration file (" + e + ")");
            return new ConfigFile(path.toString(), List.of());
        }
        return parse(path.toString(), text, errors);
    }

    /** Parses configuration text; {@code source} names it in errors (a file name). */
    public static ConfigFile parse(String source, String text, ConfigErrors errors) {
        List<Setting> settings = new ArrayList<>();
        if (text.startsWith("\uFEFF")) { // a byte order mark, as some editors write
            text = text.substring(1);
        }
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            new LineParser(source, i + 1, lines[i], errors).parse(settings);
        }
        return new ConfigFile(source, settings);
    }

    /** A configuration made of settings built in code, for tests and embedded use. */
    public static ConfigFile of(List<Setting> settings) {
        return new ConfigFile("<code>", settings);
    }

    /** The name this configuration was read from. */
    public String source() {
        return source;
    }

    /** Every setting, in file order. */
    public List<Setting> settings() {
        return settings;
    }

    /** The {@code modparam} settings of a module (its name compared case-insensitively), in order; marks them read. */
    public synchronized List<Setting> module(String module) {
        String wanted = module.toLowerCase(Locale.ROOT);
        List<Setting> out = new ArrayList<>();
        for (Setting s : settings) {
            if (wanted.equals(s.module())) {
                out.add(s);
                read.add(s);
            }
        }
        return out;
    }

    /** The core settings named {@code name} (case-insensitively), in order; marks them read. */
    public synchronized List<Setting> core(String name) {
        List<Setting> out = new ArrayList<>();
        for (Setting s : settings) {
            if (s.module() == null && s.name().equalsIgnoreCase(name)) {
                out.add(s);
                read.add(s);
            }
        }
        return out;
    }

    /** Reports every setting that no reader took as an unknown parameter. */
    public synchronized void reportUnread(ConfigErrors errors) {
        for (Setting s : settings) {
            if (!read.contains(s)) {
                errors.add(s, s.module() == null
                        ? "unknown parameter"
                        : "unknown module or parameter (no module reads it)");
            }
        }
    }

    /** One line's parser: a tiny hand-written scanner, so that each error names its column's problem. */
    private static final class LineParser {
        private final String source;
        private final int lineNo;
        private final String line;
        private final ConfigErrors errors;
        private int pos;

        LineParser(String source, int lineNo, String line, ConfigErrors errors) {
            this.source = source;
            this.lineNo = lineNo;
            this.line = line;
            this.errors = errors;
        }

        void parse(List<Setting> out) {
            skipSpace();
            if (atEnd() || atComment()) {
                return;
            }
            if (line.startsWith("modparam", pos) && nextNonSpaceAfter(pos + "modparam".length()) == '(') {
                parseModparam(out);
            } else {
                parseCore(out);
            }
        }

        private void parseModparam(List<Setting> out) {
            pos = line.indexOf('(', pos) + 1;
            String module = quoted("module name");
            if (module == null || !comma()) {
                return;
            }
            String name = quoted("parameter name");
            if (name == null || !comma()) {
                return;
            }
            skipSpace();
            String value = atQuote() ? quoted("value") : number();
            if (value == null) {
                return;
            }
            skipSpace();
            if (!expect(')')) {
                return;
            }
            skipSpace();
            if (!atEnd() && peek() == ';') {
                pos++;
                skipSpace();
            }
            if (!atEnd() && !atComment()) {
                error("unexpected text after modparam(...): '" + line.substring(pos).strip() + "'");
                return;
            }
            if (module.isEmpty() || name.isEmpty()) {
                error("modparam needs a module name and a parameter name (expected: modparam(\"module\", \"name\", value))");
                return;
            }
            out.add(new Setting(source, lineNo, module.toLowerCase(Locale.ROOT), name, value));
        }

        private void parseCore(List<Setting> out) {
            int start = pos;
            while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '.' || peek() == '-')) {
                pos++;
            }
            String name = line.substring(start, pos);
            skipSpace();
            if (name.isEmpty() || atEnd() || peek() != '=') {
                error("expected 'name = value' or 'modparam(\"module\", \"name\", value)', got '" + line.strip() + "'");
                return;
            }
            pos++;
            skipSpace();
            String value;
            if (!atEnd() && atQuote()) {
                value = quoted("value");
                if (value == null) {
                    return;
                }
                skipSpace();
                if (!atEnd() && !atComment()) {
                    error("unexpected text after the quoted value: '" + line.substring(pos).strip() + "'");
                    return;
                }
            } else {
                int valueStart = pos;
                while (!atEnd() && !atComment()) {
                    pos++;
                }
                value = line.substring(valueStart, pos).strip();
            }
            out.add(new Setting(source, lineNo, null, name, value));
        }

        private String quoted(String what) {
            skipSpace();
            if (atEnd() || !atQuote()) {
                error("expected a quoted " + what + " at column " + (pos + 1));
                return null;
            }
            char quote = line.charAt(pos++);
            StringBuilder value = new StringBuilder();
            while (!atEnd()) {
                char c = line.charAt(pos++);
                if (c == quote) {
                    return value.toString();
                }
                if (c == '\\' && !atEnd() && (peek() == quote || peek() == '\\')) {
                    c = line.charAt(pos++);
                }
                value.append(c);
            }
            error("unterminated " + what + " (missing closing " + quote + ")");
            return null;
        }

        private String number() {
            int start = pos;
            if (!atEnd() && (peek() == '-' || peek() == '+')) {
                pos++;
            }
            while (!atEnd() && Character.isDigit(peek())) {
                pos++;
            }
            String n = line.substring(start, pos);
            if (n.isEmpty() || n.equals("-") || n.equals("+")) {
                error("expected a quoted string or an integer as the value at column " + (start + 1));
                return null;
            }
            return n;
        }

        private boolean comma() {
            skipSpace();
            return expect(',');
        }

        private boolean expect(char c) {
            if (atEnd() || peek() != c) {
                error("expected '" + c + "' at column " + (pos + 1));
                return false;
            }
            pos++;
            return true;
        }

        private char nextNonSpaceAfter(int i) {
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            return i < line.length() ? line.charAt(i) : 0;
        }

        private void skipSpace() {
            while (!atEnd() && Character.isWhitespace(peek())) {
                pos++;
            }
        }

        private boolean atComment() {
            return !atEnd() && (peek() == '#' || line.startsWith("//", pos));
        }

        private boolean atQuote() { // safe at the end of the line: a modparam may stop right after its comma
            return !atEnd() && (peek() == '"' || peek() == '\'');
        }

        private boolean atEnd() {
            return pos >= line.length();
        }

        private char peek() {
            return line.charAt(pos);
        }

        private void error(String message) {
            errors.add(source + ":" + lineNo, message);
        }
    }
}
