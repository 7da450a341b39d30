package org.sipmq.sample.archfixture.internal;

import org.sipmq.sample.archfixture.LeakyApi;

/** The fixture's engine, which needs its public type back (see LeakyApi). */
public final class Engine {
    public String describe(LeakyApi api) {
        return api.name();
    }
}
