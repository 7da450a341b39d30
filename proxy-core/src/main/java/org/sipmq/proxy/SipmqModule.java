package org.sipmq.proxy;

import com.google.inject.AbstractModule;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;

/**
 * A Guice module that reads its own part of the configuration file. {@link Sipmq} calls
 * {@link #readConfig(ConfigFile, ConfigErrors)} on every module before it builds the injector, so that every module's
 * errors are reported together. Reading does no I/O and starts no threads; neither does {@code configure()}.
 *
 * <p>
 * A module must still bind its objects when its configuration had errors (skipping only the bad values), so that the
 * injector can be built and the {@link org.sipmq.proxy.config.ConfigCheck}s can report their errors in the same list.
 */
public abstract class SipmqModule extends AbstractModule {
    /** Takes this module's settings from the file and reports every problem to {@code errors}. */
    protected abstract void readConfig(ConfigFile file, ConfigErrors errors);
}
