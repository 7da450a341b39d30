package org.sipmq.proxy.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every configuration error so that they can be reported together, numbered, before anything starts.
 * Readers add to it and go on reading; the application calls {@link #throwIfAny()} once all readers have run.
 */
public final class ConfigErrors {
    private final List<String> messages = new ArrayList<>();

    /** An error about one setting: prefixed with its file, line and parameter. */
    public void add(Setting at, String message) {
        messages.add(at.where() + ": " + at.describe() + ": " + message);
    }

    /** An error about something that is not one setting; {@code where} names it (a file, a definition). */
    public void add(String where, String message) {
        messages.add(where + ": " + message);
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** Throws a {@link ConfigException} listing every error collected, if any. */
    public void throwIfAny() {
        if (!messages.isEmpty()) {
            throw new ConfigException(messages);
        }
    }
}
