package org.sipmq.proxy.config;

import java.util.List;

/** Thrown when a configuration has errors; its message lists every one of them, numbered. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    public ConfigException(List<String> errors) {
        super(render(errors));
        this.errors = List.copyOf(errors);
    }

    /** Each error on its own, without numbering. */
    public List<String> errors() {
        return errors;
    }

    private static String render(List<String> errors) {
        StringBuilder out = new StringBuilder("Configuration errors:\n");
        for (int i = 0; i < errors.size(); i++) {
            out.append('\n').append(i + 1).append(") ").append(errors.get(i)).append('\n');
        }
        out.append('\n').append(errors.size()).append(errors.size() == 1 ? " error" : " errors");
        return out.toString();
    }
}
