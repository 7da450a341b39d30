package org.sipmq.proxy.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IntervalsTest {
    @Test
    void bareNumberIsSeconds() {
        assertThat(Intervals.parse("5")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void uSuffixIsMicrosecondsInEitherCase() {
        assertThat(Intervals.parse("250000u")).isEqualTo(Duration.ofMillis(250));
        assertThat(Intervals.parse("100U")).isEqualTo(Duration.ofNanos(100_000));
    }

    @Test
    void msAndSSuffixes() {
        assertThat(Intervals.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Intervals.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Intervals.parse(" 3S ")).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void rejectsZeroNegativeAndGarbageNamingValueAndExpectation() {
        for (String bad : new String[]{"0", "0u", "-1", "abc", "3x", "", "u", "1.5", "1 s", "9999999999999",
                "31536001"}) {
            assertThatThrownBy(() -> Intervals.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + bad + "' (" + Intervals.EXPECTED + ")");
        }
    }

    @Test
    void formatPrintsWholeSecondsBareAndTheRestInMicroseconds() {
        assertThat(Intervals.format(Duration.ofSeconds(2))).isEqualTo("2");
        assertThat(Intervals.format(Duration.ofMillis(1500))).isEqualTo("1500000u");
        assertThat(Intervals.parse(Intervals.format(Duration.ofMillis(1500)))).isEqualTo(Duration.ofMillis(1500));
    }
}
