package org.sipmq.proxy.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimerDefinitionTest {
    private static final Duration DEFAULT = Duration.ofSeconds(120);

    @Test
    void parsesKamailioDefinition() {
        assertThat(TimerDefinition.parse("name=t1;interval=1;mode=2", DEFAULT))
                .isEqualTo(new TimerDefinition("t1", Duration.ofSeconds(1), 2));
    }

    @Test
    void parsesWithSpacesQuotesUpperCaseAttributesAndTrailingSemicolon() {
        assertThat(TimerDefinition.parse(" NAME = 'acc drain' ; Interval = 500ms ; MODE=3 ;", DEFAULT))
                .isEqualTo(new TimerDefinition("acc drain", Duration.ofMillis(500), 3));
    }

    @Test
    void missingIntervalTakesTheDefaultAndMissingModeIsOneWorker() {
        assertThat(TimerDefinition.parse("name=t1", Duration.ofSeconds(7)))
                .isEqualTo(new TimerDefinition("t1", Duration.ofSeconds(7), 1));
    }

    @Test
    void kamailioModeZeroIsOneWorker() {
        assertThat(TimerDefinition.parse("name=t1;mode=0", DEFAULT).workers()).isEqualTo(1);
    }

    @Test
    void reportsEveryProblemOfTheStringWithAttributeValueAndExpectation() {
        assertThatThrownBy(() -> TimerDefinition.parse("name=t1;interval=abc;mode=-1;color=red", DEFAULT))
                .hasMessage("\"name=t1;interval=abc;mode=-1;color=red\": interval: 'abc' (expected: a whole number > 0"
                        + " of seconds, or with a unit: 2s, 500ms, 250000u; at most 365 days); mode: '-1' (expected: the number of"
                        + " workers, 1 to 256); unknown attribute 'color' (expected: name, interval, mode)");
    }

    @Test
    void rejectsMissingAndEmptyName() {
        assertThatThrownBy(() -> TimerDefinition.parse("interval=1", DEFAULT))
                .hasMessageContaining("name is missing (expected: name=...)");
        assertThatThrownBy(() -> TimerDefinition.parse("name=;interval=1", DEFAULT))
                .hasMessageContaining("name: '' (expected: a non-empty name)");
    }

    @Test
    void rejectsTooManyWorkers() {
        assertThatThrownBy(() -> TimerDefinition.parse("name=t;mode=257", DEFAULT))
                .hasMessageContaining("mode: '257' (expected: the number of workers, 1 to 256)");
    }

    @Test
    void rejectsSyntaxErrors() {
        assertThatThrownBy(() -> TimerDefinition.parse("name=t;;mode=1", DEFAULT))
                .hasMessageContaining("\"name=t;;mode=1\": expected an attribute name at column 8");
    }

    @Test
    void printsBackInKamailioSyntax() {
        TimerDefinition d = new TimerDefinition("a;b", Duration.ofMillis(1500), 4);
        assertThat(d.toString()).isEqualTo("name=\"a;b\";interval=1500000u;mode=4");
        assertThat(TimerDefinition.parse(d.toString(), DEFAULT)).isEqualTo(d);
    }

    @Test
    void constructorValidates() {
        assertThatThrownBy(() -> new TimerDefinition("t", Duration.ZERO, 1))
                .hasMessage("interval: PT0S (expected: > 0)");
        assertThatThrownBy(() -> new TimerDefinition("t", Duration.ofSeconds(1), 0))
                .hasMessage("workers: 0 (expected: 1 to 256)");
    }
}
