package org.sipmq.sample.archfixture;

import org.sipmq.sample.archfixture.internal.Engine;

/** Breaks two rules of ArchitectureTest on purpose: it names its engine in a public signature, and they loop. */
public final class LeakyApi {
    private final Engine engine = new Engine();

    public Engine engine() {
        return engine;
    }

    public String name() {
        return "leaky";
    }
}
