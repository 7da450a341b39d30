package org.sipmq.proxy.pv;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pseudo-variable engine shared by every module: a fixed set of {@link PvProvider}s by name, and format strings
 * compiled against them. Modules contribute providers through a Guice {@code MapBinder<String, PvProvider>}; the
 * engine adds {@code $var(name)} itself.
 */
@Singleton
public final class PvEngine {
    /** Formats built at run time from changing text are not cached past this many, so the cache cannot grow unbounded. */
    private static final int CACHE_LIMIT = 10_000;

    private final Map<String, PvProvider> providers;
    private final ConcurrentHashMap<String, Format> cache = new ConcurrentHashMap<>();

    @Inject
    public PvEngine(Map<String, PvProvider> providers) {
        TreeMap<String, PvProvider> all = new TreeMap<>(providers);
        if (all.put("var", Vars.PROVIDER) != null) {
            throw new IllegalArgumentException("pseudo-variable $var is built in and cannot be registered again");
        }
        this.providers = Map.copyOf(all);
    }

    /** Compiles a format string; throws {@link PvException} naming the problem when it is malformed. */
    public Format compile(String format) {
        Objects.requireNonNull(format, "format");
        Format f = cache.get(format);
        if (f == null) {
            f = Format.parse(format, this);
            if (cache.size() < CACHE_LIMIT) {
                cache.putIfAbsent(format, f);
            }
        }
        return f;
    }

    /** Evaluates a format string for the calling thread (compiled once and cached); null values print {@code <null>}. */
    public String format(String format) {
        if (format.indexOf('$') < 0) {
            return format;
        }
        return compile(format).render();
    }

    /** The value of one pseudo-variable such as {@code "$ci"} or {@code "$mqk(acc)"} for the calling thread, or null. */
    public String get(String pv) {
        Format f = compile(pv);
        if (!f.isSinglePv()) { // "$a and $b" would otherwise read as a rendered string, never null
            throw new PvException("'" + pv + "' is not one pseudo-variable (expected: $name or $name(argument))");
        }
        return f.value();
    }

    /** True when {@code $name} is known. */
    public boolean has(String name) {
        return providers.containsKey(name);
    }

    PvProvider provider(String name) {
        return providers.get(name);
    }

    String names() {
        return String.join(", ", new TreeMap<>(providers).keySet());
    }
}
