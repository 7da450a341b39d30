package org.sipmq.proxy.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Provider;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.timer.TimerConfig;
import org.sipmq.proxy.timer.TimerRoute;

class TimerRouteCheckTest {
    private final ConfigErrors errors = new ConfigErrors();
    private final Provider<TimerRoute> route = () -> {
        throw new AssertionError("the check must not create routes");
    };

    private TimerConfig config() {
        return TimerConfig.read(ConfigFile.parse("t.cfg", """
                modparam("rtimer", "timer", "name=t1;interval=1")
                modparam("rtimer", "exec", "timer=t1;route=A")
                modparam("rtimer", "exec", "timer=t1;route=B")
                """, errors), errors);
    }

    @Test
    void reportsEveryExecWhoseRouteIsNotBound() {
        new TimerRouteCheck(config(), Map.of("A", route)).check(errors);
        assertThat(errors.messages()).containsExactly("t.cfg:3: modparam(\"rtimer\", \"exec\"): \"timer=t1;route=B\":"
                + " route: 'B' is not bound (bound timer routes: A; bind it with TimerRoutes.bind(binder(), \"B\"))");
    }

    @Test
    void aBoundRouteThatNoExecRunsIsNotAnError() {
        new TimerRouteCheck(config(), Map.of("A", route, "B", route, "UNUSED", route)).check(errors);
        assertThat(errors.messages()).isEmpty();
    }

    @Test
    void saysNoneWhenNothingIsBound() {
        new TimerRouteCheck(config(), Map.of()).check(errors);
        assertThat(errors.messages()).hasSize(2).allMatch(m -> m.contains("(bound timer routes: none;"));
    }
}
