package org.sipmq.proxy.internal.admin;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.admin.AdminEndpoint;
import org.sipmq.proxy.admin.RpcMethod;
import org.sipmq.proxy.admin.RpcMethods;

/** The admin endpoint's bindings, installed by {@code AdminModule} with the settings it read. */
public final class AdminBindings extends AbstractModule {
    private final AdminSettings settings;

    public AdminBindings(AdminSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void configure() {
        bind(AdminSettings.class).toInstance(settings);
        bind(AdminServer.class).in(Singleton.class);
        bind(AdminEndpoint.class).to(AdminServer.class);
        Multibinder.newSetBinder(binder(), Service.class).addBinding().to(AdminServer.class);
        MapBinder<String, RpcMethod> methods = RpcMethods.methods(binder());
        methods.addBinding(CoreVersion.NAME).to(CoreVersion.class).in(Singleton.class);
        // Built with the module, that is when the application is built: Kamailio's "up since" is taken as early.
        methods.addBinding(CoreUptime.NAME).toInstance(new CoreUptime(Clock.systemDefaultZone()));
    }
}
