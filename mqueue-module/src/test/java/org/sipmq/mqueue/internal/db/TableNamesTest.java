package org.sipmq.mqueue.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableNamesTest {
    @Test
    void plainIdentifiersAreSafe() {
        assertThat(TableNames.isSafe("acc")).isTrue();
        assertThat(TableNames.isSafe("_cdr_2")).isTrue();
        assertThat(TableNames.isSafe("Q".repeat(64))).isTrue();
    }

    @Test
    void anythingThatCouldLeaveTheIdentifierIsUnsafe() {
        assertThat(TableNames.isSafe("acc; DROP TABLE x")).isFalse();
        assertThat(TableNames.isSafe("a`b")).isFalse();
        assertThat(TableNames.isSafe("a-b")).isFalse();
        assertThat(TableNames.isSafe("1acc")).isFalse();
        assertThat(TableNames.isSafe("Q".repeat(65))).isFalse();
        assertThat(TableNames.isSafe("")).isFalse();
    }

    @Test
    void problemNamesTheQueueAndTheExpectation() {
        assertThat(TableNames.problem("a-b", 1)).hasValue(
                "mqueue 'a-b' has dbmode=1 but its name cannot be used as an SQL table name (" + TableNames.EXPECTED
                        + ")");
        assertThat(TableNames.problem("ab", 1)).isEmpty();
    }

    @Test
    void checkedRejectsUnsafeNames() {
        assertThatThrownBy(() -> TableNames.checked("x y")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x y'");
    }
}
