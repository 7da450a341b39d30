package org.sipmq.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigErrorsTest {
    private final ConfigErrors errors = new ConfigErrors();

    @Test
    void prefixesASettingsErrorWithFileLineAndParameter() {
        errors.add(new Setting("p.cfg", 7, "mqueue", "mqueue", "name="), "name is missing");
        errors.add(new Setting("p.cfg", 9, null, "listen", "x"), "bad address");
        assertThat(errors.messages()).containsExactly("p.cfg:7: modparam(\"mqueue\", \"mqueue\"): name is missing",
                "p.cfg:9: listen: bad address");
    }

    @Test
    void aSettingMadeInCodeHasNoLineNumber() {
        errors.add(Setting.of("rtimer", "timer", "x"), "bad");
        assertThat(errors.messages()).containsExactly("<code>: modparam(\"rtimer\", \"timer\"): bad");
    }

    @Test
    void prefixesOtherErrorsWithWhereTheyAre() {
        errors.add("binding", "no route");
        assertThat(errors.messages()).containsExactly("binding: no route");
    }

    @Test
    void throwIfAnyDoesNothingWhenEmptyAndThrowsEveryErrorInOrderOtherwise() {
        assertThat(errors.isEmpty()).isTrue();
        assertThatCode(errors::throwIfAny).doesNotThrowAnyException();
        errors.add("a", "one");
        errors.add("b", "two");
        assertThat(errors.isEmpty()).isFalse();
        assertThatThrownBy(errors::throwIfAny).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.errors()).containsExactly("a: one", "b: two"));
    }

    @Test
    void messagesIsASnapshot() {
        var before = errors.messages();
        errors.add("a", "one");
        assertThat(before).isEmpty();
    }
}
