package org.sipmq.proxy.pv;

import java.util.HashMap;
import java.util.Map;

/**
 * Kamailio's {@code $var(name)}: variables private to the calling thread (one execution context), kept until the
 * thread changes them. Exposed to formats as {@code $var(name)}; an unset variable reads as null.
 */
public final class Vars {
    private static final ThreadLocal<Map<String, String>> VARS = ThreadLocal.withInitial(HashMap::new);

    private Vars() {
    }

    /** Sets {@code $var(name)} for the calling thread; a null value unsets it. */
    public static void set(String name, String value) {
        if (value == null) {
            VARS.get().remove(name);
        } else {
            VARS.get().put(name, value);
        }
    }

    /** {@code $var(name)} of the calling thread, or null. */
    public static String get(String name) {
        return VARS.get().get(name);
    }

    /** Unsets every variable of the calling thread. */
    public static void clear() {
        VARS.get().clear();
    }

    /** The provider behind {@code $var(name)}. */
    static final PvProvider PROVIDER = new PvProvider() {
        @Override
        public String get(String argument) {
            return Vars.get(argument);
        }

        @Override
        public void check(String argument) {
            if (argument == null || argument.isEmpty()) {
                throw new PvException("$var needs a name: $var(name)");
            }
        }
    };
}
