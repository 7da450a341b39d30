package org.sipmq.proxy.timer;

import com.google.inject.Binder;
import com.google.inject.binder.LinkedBindingBuilder;
import com.google.inject.multibindings.MapBinder;

/**
 * Binds {@link TimerRoute}s by the name that {@code modparam("rtimer", "exec", "timer=...;route=NAME")} gives them:
 *
 * <pre>
 * protected void configure() {
 *     TimerRoutes.bind(binder(), "ACC_DRAIN").to(AccDrain.class);
 * }
 * </pre>
 *
 * <p>
 * Names are compared case-sensitively, as Kamailio's route names. Binding a name twice is a binding error. An
 * {@code exec} naming a route nobody binds stops start-up; a bound route that no {@code exec} runs is logged as a
 * warning.
 */
public final class TimerRoutes {
    private TimerRoutes() {
    }

    /** Starts the binding of the route called {@code name}. */
    public static LinkedBindingBuilder<TimerRoute> bind(Binder binder, String name) {
        return routes(binder).addBinding(name);
    }

    /** The map of every timer route by name; declaring it (even empty) is what {@link TimerModule} does. */
    public static MapBinder<String, TimerRoute> routes(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, TimerRoute.class);
    }
}
