package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which final responses of a new call send it to the fallback target ({@link SampleHooksIT} runs the calls). */
class FallbackTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"300, false", "302, false", "399, false", "400, true", "404, true", "408, true", "486, true",
            "487, false", "488, true", "500, true", "503, true", "599, true", "600, false", "603, false"})
    void onlyFourAndFiveHundredsButTheCancelledCallsTryTheFallback(int code, boolean tries) {
        assertThat(Fallback.triesFallback(code)).isEqualTo(tries);
    }
}
