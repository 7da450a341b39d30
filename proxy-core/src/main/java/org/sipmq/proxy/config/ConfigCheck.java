package org.sipmq.proxy.config;

/**
 * A check of the configuration that needs the bound objects (for example: every timer {@code exec} names a route that
 * some module binds). Contributed through a Guice {@code Multibinder<ConfigCheck>}; run by {@link org.sipmq.proxy.Sipmq} after the
 * injector is built and before anything starts, reporting to the same {@link ConfigErrors} as the readers.
 */
@FunctionalInterface
public interface ConfigCheck {
    void check(ConfigErrors errors);
}
