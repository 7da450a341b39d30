package org.sipmq.proxy.config;

import java.util.Objects;

/**
 * One parameter read from a configuration file: either a core line {@code name = value} ({@link #module()} is null)
 * or a Kamailio {@code modparam("module", "name", value)} line.
 *
 * @param file the file the line came from, as given to the parser
 * @param line the 1-based line number
 * @param module the module of a {@code modparam}, lower case; null for a core parameter
 * @param name the parameter name, as written
 * @param value the value with its quotes removed
 */
public record Setting(String file, int line, String module, String name, String value) {
    public Setting {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** A setting made in code rather than read from a file, for tests and embedded use. */
    public static Setting of(String module, String name, String value) {
        return new Setting("<code>", 0, module, name, value);
    }

    /** {@code file:line}, the prefix of every error about this setting. */
    public String where() {
        return line > 0 ? file + ":" + line : file;
    }

    /** The parameter as a user wrote it: {@code modparam("mqueue", "mqueue")} or {@code listen}. */
    public String describe() {
        return module == null ? name : "modparam(\"" + module + "\", \"" + name + "\")";
    }
}
