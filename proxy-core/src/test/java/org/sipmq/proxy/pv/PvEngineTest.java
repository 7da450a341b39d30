package org.sipmq.proxy.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PvEngineTest {
    private final PvEngine engine = new PvEngine(Map.of("ci", argument -> "call-1", "none", argument -> null));

    @AfterEach
    void clearVars() {
        Vars.clear();
    }

    @Test
    void varIsBuiltInAndCannotBeRegisteredAgain() {
        assertThat(engine.has("var")).isTrue();
        assertThat(engine.has("ci")).isTrue();
        assertThat(engine.has("fu")).isFalse();
        assertThatThrownBy(() -> new PvEngine(Map.of("var", argument -> "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$var is built in");
    }

    @Test
    void formatRendersForTheCallingThread() {
        Vars.set("who", "alice");
        assertThat(engine.format("$var(who) on $ci, $none")).isEqualTo("alice on call-1, <null>");
    }

    @Test
    void formatWithoutDollarIsReturnedAsIs() {
        String text = "plain";
        assertThat(engine.format(text)).isSameAs(text);
    }

    @Test
    void compileCachesFormats() {
        assertThat(engine.compile("$ci x")).isSameAs(engine.compile("$ci x"));
    }

    @Test
    void cacheStopsGrowingAtItsLimit() {
        for (int i = 0; i < 10_000; i++) {
            engine.compile("$var(v" + i + ")");
        }
        assertThat(engine.compile("$var(v1)")).as("cached before the limit").isSameAs(engine.compile("$var(v1)"));
        assertThat(engine.compile("$var(late)")).as("not cached past the limit")
                .isNotSameAs(engine.compile("$var(late)"));
    }

    @Test
    void getReturnsOnePseudoVariablesValueNullIncluded() {
        assertThat(engine.get("$ci")).isEqualTo("call-1");
        assertThat(engine.get("$none")).isNull();
        Vars.set("q", "acc");
        assertThat(engine.get("$var(q)")).isEqualTo("acc");
    }

    @Test
    void getRejectsAnythingButExactlyOnePseudoVariable() {
        assertThatThrownBy(() -> engine.get("ci")).isInstanceOf(PvException.class)
                .hasMessage("'ci' is not one pseudo-variable (expected: $name or $name(argument))");
        assertThatThrownBy(() -> engine.get("$ci and $none")).isInstanceOf(PvException.class)
                .hasMessageContaining("is not one pseudo-variable");
        assertThatThrownBy(() -> engine.get("$ci ")).isInstanceOf(PvException.class);
    }

    @Test
    void compileRejectsNull() {
        assertThatThrownBy(() -> engine.compile(null)).isInstanceOf(NullPointerException.class).hasMessage("format");
    }
}
