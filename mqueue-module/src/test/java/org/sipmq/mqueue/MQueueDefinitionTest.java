package org.sipmq.mqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigException;
import org.sipmq.proxy.config.Setting;

class MQueueDefinitionTest {
    @Test
    void parseReturnsTheDefinition() {
        assertThat(MQueueDefinition.parse("name=acc;size=100;addmode=2"))
                .isEqualTo(new MQueueDefinition("acc", 100, 2, 0));
    }

    @Test
    void parseThrowsEveryErrorNamingTheString() {
        assertThatThrownBy(() -> MQueueDefinition.parse("name=acc;size=3x;addmode=9"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
                        "mqueue \"name=acc;size=3x;addmode=9\": size: \"3x\" (expected: an integer >= 0)",
                        "mqueue \"name=acc;size=3x;addmode=9\": addmode: \"9\" (expected: 0, 1 or 2)"))
                .hasMessageContaining("1) ")
                .hasMessageContaining("2) ");
    }

    @Test
    void parseSettingReportsFileLineStringAttributeValueAndExpectation() {
        ConfigErrors errors = new ConfigErrors();
        Setting s = new Setting("proxy.cfg", 12, "mqueue", "mqueue", "name=acc;size=-1");

        assertThat(MQueueDefinition.parse(s, errors)).isEmpty();

        assertThat(errors.messages()).containsExactly("proxy.cfg:12: modparam(\"mqueue\", \"mqueue\"): "
                + "\"name=acc;size=-1\": size: \"-1\" (expected: an integer >= 0)");
    }

    @Test
    void parseSettingGivesTheDefinitionWhenValid() {
        ConfigErrors errors = new ConfigErrors();
        assertThat(MQueueDefinition.parse(Setting.of("mqueue", "mqueue", "name=q;dbmode=2"), errors))
                .contains(new MQueueDefinition("q", 0, 0, 2));
        assertThat(errors.isEmpty()).isTrue();
    }

    @Test
    void toStringPrintsKamailioSyntax() {
        assertThat(new MQueueDefinition("acc", 100, 2, 1)).hasToString("name=acc;size=100;addmode=2;dbmode=1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"acc", "Acc", "my queue", "a;b", "a,b", "a=b", "it's", "say \"hi\"", " lead", "tab\there",
            "ü-queue"})
    void toStringParsesBackToAnEqualDefinition(String name) {
        MQueueDefinition d = new MQueueDefinition(name, 7, 1, 3);
        assertThat(MQueueDefinition.parse(d.toString())).isEqualTo(d);
    }

    @Test
    void toStringQuotesOnlyWhenNeeded() {
        assertThat(new MQueueDefinition("a b", 0, 0, 0).toString()).startsWith("name=\"a b\";");
        assertThat(new MQueueDefinition("say \"hi\"", 0, 0, 0).toString()).startsWith("name='say \"hi\"';");
        assertThat(new MQueueDefinition("plain", 0, 0, 0).toString()).startsWith("name=plain;");
    }

    @Test
    void constructorRejectsInvalidValues() {
        assertThatThrownBy(() -> new MQueueDefinition("", 0, 0, 0)).hasMessageContaining("name");
        assertThatThrownBy(() -> new MQueueDefinition("q", -1, 0, 0)).hasMessage("size: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new MQueueDefinition("q", 0, 3, 0)).hasMessage("addmode: 3 (expected: 0, 1 or 2)");
        assertThatThrownBy(() -> new MQueueDefinition("q", 0, 0, 4))
                .hasMessage("dbmode: 4 (expected: 0, 1, 2 or 3)");
    }

    @Test
    void backendIsParsedAndPrintedBackOnlyWhenRedis() {
        MQueueDefinition d = MQueueDefinition.parse("name=acc;BACKEND=Redis;size=5");
        assertThat(d).isEqualTo(new MQueueDefinition("acc", 5, 0, 0, MQueueDefinition.Backend.REDIS));
        assertThat(d.toString()).isEqualTo("name=acc;size=5;addmode=0;dbmode=0;backend=redis");
        assertThat(MQueueDefinition.parse(d.toString())).isEqualTo(d);
        assertThat(MQueueDefinition.parse("name=l;backend=local").toString())
                .isEqualTo("name=l;size=0;addmode=0;dbmode=0");
        assertThatThrownBy(() -> MQueueDefinition.parse("name=x;backend=redis;backend=local"))
                .hasMessageContaining("attribute 'backend' given twice");
    }
}
