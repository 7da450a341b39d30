package org.sipmq.proxy.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VarsTest {
    @AfterEach
    void clear() {
        Vars.clear();
    }

    @Test
    void setGetAndUnset() {
        Vars.set("q", "acc");
        assertThat(Vars.get("q")).isEqualTo("acc");
        Vars.set("q", null);
        assertThat(Vars.get("q")).isNull();
    }

    @Test
    void eachThreadHasItsOwnVariables() throws InterruptedException {
        Vars.set("q", "main");
        AtomicReference<String> seen = new AtomicReference<>("unset");
        Thread other = new Thread(() -> {
            seen.set(Vars.get("q"));
            Vars.set("q", "other");
        }, "test-vars");
        other.start();
        other.join(10_000);
        assertThat(seen.get()).as("the other thread does not see main's value").isNull();
        assertThat(Vars.get("q")).as("main keeps its own value").isEqualTo("main");
    }

    @Test
    void clearUnsetsEverything() {
        Vars.set("a", "1");
        Vars.set("b", "2");
        Vars.clear();
        assertThat(Vars.get("a")).isNull();
        assertThat(Vars.get("b")).isNull();
    }

    @Test
    void providerReadsTheCallingThreadsVariablesAndNeedsAName() {
        Vars.set("x", "1");
        assertThat(Vars.PROVIDER.get("x")).isEqualTo("1");
        assertThatThrownBy(() -> Vars.PROVIDER.check(null)).hasMessage("$var needs a name: $var(name)");
        assertThatThrownBy(() -> Vars.PROVIDER.check("")).isInstanceOf(PvException.class);
    }
}
