package org.sipmq.proxy.timer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;

class TimerConfigTest {
    private final ConfigErrors errors = new ConfigErrors();

    private TimerConfig read(String text) {
        ConfigFile file = ConfigFile.parse("t.cfg", text, errors);
        assertThat(errors.messages()).as("syntax").isEmpty();
        return TimerConfig.read(file, errors);
    }

    @Test
    void readsTimersAndTheirRoutesInDefinitionOrder() {
        TimerConfig c = read("""
                modparam("rtimer", "timer", "name=t1;interval=1;mode=2")
                modparam("rtimer", "timer", "name=t2;interval=100000u")
                modparam("rtimer", "exec", "timer=t1;route=B")
                modparam("rtimer", "exec", "timer=T1;route=A")
                modparam("rtimer", "exec", "timer=t2;route=C")
                """);
        assertThat(errors.messages()).isEmpty();
        assertThat(c.timers()).containsExactly(new TimerDefinition("t1", Duration.ofSeconds(1), 2),
                new TimerDefinition("t2", Duration.ofMillis(100), 1));
        assertThat(c.routes("t1")).containsExactly("B", "A");
        assertThat(c.routes("T2")).containsExactly("C");
        assertThat(c.execs()).containsExactly(new TimerExec("t1", "B"), new TimerExec("T1", "A"),
                new TimerExec("t2", "C"));
        assertThat(c.stopTimeout()).isEqualTo(TimerConfig.DEFAULT_STOP_TIMEOUT);
    }

    @Test
    void defaultIntervalAppliesToTimersDefinedAfterIt() {
        TimerConfig c = read("""
                modparam("rtimer", "timer", "name=before")
                modparam("rtimer", "default_interval", 30)
                modparam("rtimer", "timer", "name=after")
                modparam("rtimer", "timer", "name=own;interval=5")
                """);
        assertThat(c.timers()).extracting(TimerDefinition::interval)
                .containsExactly(Duration.ofSeconds(120), Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    @Test
    void execMayNameATimerDefinedLater() {
        TimerConfig c = read("""
                modparam("rtimer", "exec", "timer=t1;route=A")
                modparam("rtimer", "timer", "name=t1;interval=1")
                """);
        assertThat(errors.messages()).isEmpty();
        assertThat(c.routes("t1")).containsExactly("A");
    }

    @Test
    void stopTimeoutIsConfigurable() {
        assertThat(read("modparam(\"rtimer\", \"stop_timeout\", \"250ms\")").stopTimeout())
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void reportsEveryErrorWithFileLineParameterStringAttributeAndExpectation() {
        TimerConfig c = read("""
                modparam("rtimer", "timer", "name=t1;interval=1")
                modparam("rtimer", "timer", "name=T1;interval=2")
                modparam("rtimer", "timer", "name=t2;interval=1x")
                modparam("rtimer", "timer", "name=t3;mode=many")
                modparam("rtimer", "timer", "name=t4;speed=1")
                modparam("rtimer", "exec", "timer=nope;route=A")
                modparam("rtimer", "exec", "timer=t1;route=A")
                modparam("rtimer", "exec", "timer=T1;route=A")
                modparam("rtimer", "default_interval", "0")
                modparam("rtimer", "colour", "red")
                """);
        assertThat(errors.messages()).containsExactly(
                "t.cfg:2: modparam(\"rtimer\", \"timer\"): \"name=T1;interval=2\": name: 'T1' already defined at"
                        + " t.cfg:1 (expected: a unique timer name, compared case-insensitively)",
                "t.cfg:3: modparam(\"rtimer\", \"timer\"): \"name=t2;interval=1x\": interval: '1x' (expected: a whole"
                        + " number > 0 of seconds, or with a unit: 2s, 500ms, 250000u; at most 365 days)",
                "t.cfg:4: modparam(\"rtimer\", \"timer\"): \"name=t3;mode=many\": mode: 'many' (expected: the number"
                        + " of workers, 1 to 256)",
                "t.cfg:5: modparam(\"rtimer\", \"timer\"): \"name=t4;speed=1\": unknown attribute 'speed' (expected:"
                        + " name, interval, mode)",
                "t.cfg:8: modparam(\"rtimer\", \"exec\"): \"timer=T1;route=A\": route 'A' already runs on timer 'T1'"
                        + " since t.cfg:7",
                "t.cfg:9: modparam(\"rtimer\", \"default_interval\"): '0' (expected: a whole number > 0 of seconds,"
                        + " or with a unit: 2s, 500ms, 250000u; at most 365 days)",
                "t.cfg:10: modparam(\"rtimer\", \"colour\"): unknown rtimer parameter (expected: timer, exec,"
                        + " default_interval, stop_timeout)",
                "t.cfg:6: modparam(\"rtimer\", \"exec\"): \"timer=nope;route=A\": timer: 'nope' is not defined"
                        + " (defined: t1)");
        assertThat(c.timers()).extracting(TimerDefinition::name).containsExactly("t1");
        assertThat(c.execs()).containsExactly(new TimerExec("t1", "A"));
    }

    @Test
    void checkRoutesNamesTheExecAndTheBoundRoutes() {
        TimerConfig c = read("""
                modparam("rtimer", "timer", "name=t1;interval=1")
                modparam("rtimer", "exec", "timer=t1;route=ACC_DRAN")
                modparam("rtimer", "exec", "timer=t1;route=CDR")
                """);
        c.checkRoutes(List.of("CDR", "ACC_DRAIN"), errors);
        assertThat(errors.messages()).containsExactly("t.cfg:2: modparam(\"rtimer\", \"exec\"):"
                + " \"timer=t1;route=ACC_DRAN\": route: 'ACC_DRAN' is not bound (bound timer routes: ACC_DRAIN, CDR;"
                + " bind it with TimerRoutes.bind(binder(), \"ACC_DRAN\"))");
    }

    @Test
    void routeNamesAreCaseSensitive() {
        TimerConfig c = read("""
                modparam("rtimer", "timer", "name=t1;interval=1")
                modparam("rtimer", "exec", "timer=t1;route=acc")
                """);
        c.checkRoutes(List.of("ACC"), errors);
        assertThat(errors.messages()).singleElement().asString().contains("route: 'acc' is not bound");
    }

    @Test
    void emptyHasNoTimers() {
        assertThat(TimerConfig.empty().timers()).isEmpty();
        assertThat(read("").timers()).isEmpty();
    }
}
