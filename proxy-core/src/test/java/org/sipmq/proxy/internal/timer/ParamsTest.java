package org.sipmq.proxy.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.internal.timer.Params.Param;

class ParamsTest {
    @Test
    void readsAttributesInOrderWithLowerCaseNames() {
        assertThat(Params.parse("Name=t1;INTERVAL=5;mode=2"))
                .containsExactly(new Param("name", "t1"), new Param("interval", "5"), new Param("mode", "2"));
    }

    @Test
    void allowsWhitespaceAroundEqualsAndSemicolonsAndOneTrailingSemicolon() {
        assertThat(Params.parse("  name = t1 ;  interval= 5 ; "))
                .containsExactly(new Param("name", "t1"), new Param("interval", "5"));
    }

    @Test
    void stripsQuotesAndKeepsSpacesAndSemicolonsInside() {
        assertThat(Params.parse("name=\"a b;c\";route='x\"y'"))
                .containsExactly(new Param("name", "a b;c"), new Param("route", "x\"y"));
    }

    @Test
    void rejectsDoubleSemicolon() {
        assertThatThrownBy(() -> Params.parse("name=a;;mode=1")).hasMessageContaining("';;' is not allowed");
    }

    @Test
    void rejectsTwoTrailingSemicolons() {
        assertThatThrownBy(() -> Params.parse("name=a;;")).hasMessageContaining("';;'");
    }

    @Test
    void rejectsAttributeWithoutValue() {
        assertThatThrownBy(() -> Params.parse("name"))
                .hasMessage("attribute 'name' has no value (expected: name=value)");
    }

    @Test
    void rejectsRepeatedAttributeCaseInsensitively() {
        assertThatThrownBy(() -> Params.parse("mode=1;MODE=2")).hasMessage("attribute 'mode' given twice");
    }

    @Test
    void rejectsTextAfterComma() {
        assertThatThrownBy(() -> Params.parse("name=a,mode=1"))
                .hasMessage("unexpected ',mode=1' at column 7 (expected: ';' between attributes)");
    }

    @Test
    void rejectsTwoWordsUnquoted() {
        assertThatThrownBy(() -> Params.parse("name=a b")).hasMessageContaining("unexpected 'b'");
    }

    @Test
    void rejectsUnterminatedQuote() {
        assertThatThrownBy(() -> Params.parse("name=\"a")).hasMessageContaining("missing closing \"");
    }

    @Test
    void rejectsEmptyString() {
        assertThatThrownBy(() -> Params.parse("  ")).hasMessageContaining("empty definition");
    }

    @Test
    void keepsEmptyValues() {
        assertThat(Params.parse("name=;mode=1")).containsExactly(new Param("name", ""), new Param("mode", "1"));
    }

    @Test
    void quoteWritesBackWhatParseReads() {
        for (String v : List.of("t1", "a b", "a;b", "x\"y", "", "a,b")) {
            assertThat(Params.parse("name=" + Params.quote(v))).containsExactly(new Param("name", v));
        }
        assertThat(Params.quote("t1")).isEqualTo("t1");
    }
}
