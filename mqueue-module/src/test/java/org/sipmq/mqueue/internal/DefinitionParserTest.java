package org.sipmq.mqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipmq.mqueue.MQueueDefinition;

class DefinitionParserTest {
    private final List<String> errors = new ArrayList<>();

    private MQueueDefinition parse(String text) {
        DefinitionParser.Parsed p = DefinitionParser.parse(text, errors::add);
        return p == null
                ? null
                : new MQueueDefinition(p.name(), p.size(), p.addmode(), p.dbmode(),
                        MQueueDefinition.Backend.valueOf(p.backend().toUpperCase(java.util.Locale.ROOT)));
    }

    private void assertOnlyError(String text, String... fragments) {
        assertThat(parse(text)).as(text).isNull();
        assertThat(errors).as(text).hasSize(1);
        assertThat(errors.get(0)).contains(fragments);
    }

    @Test
    void nameAloneGivesDefaults() {
        assertThat(parse("name=acc")).isEqualTo(new MQueueDefinition("acc", 0, 0, 0));
        assertThat(errors).isEmpty();
    }

    @Test
    void readsEveryAttribute() {
        assertThat(parse("name=acc;size=100;addmode=2;dbmode=1")).isEqualTo(new MQueueDefinition("acc", 100, 2, 1));
    }

    @Test
    void attributeNamesAreCaseInsensitive() {
        assertThat(parse("NAME=acc;Size=5;ADDMODE=1;DbMode=3")).isEqualTo(new MQueueDefinition("acc", 5, 1, 3));
    }

    @Test
    void nameValueKeepsItsCase() {
        assertThat(parse("name=Acc").name()).isEqualTo("Acc");
    }

    @Test
    void allowsOneTrailingSemicolon() {
        assertThat(parse("name=acc;size=2;")).isEqualTo(new MQueueDefinition("acc", 2, 0, 0));
    }

    @Test
    void allowsWhitespaceAroundEqualsAndSemicolons() {
        assertThat(parse("  name = acc ;  size =\t3 ; addmode= 1 ")).isEqualTo(new MQueueDefinition("acc", 3, 1, 0));
        assertThat(errors).isEmpty();
    }

    @Test
    void quotedValuesMayHoldSpacesAndSemicolons() {
        assertThat(parse("name=\"my queue; a\";size=1").name()).isEqualTo("my queue; a");
        assertThat(parse("name='it \"x\"'").name()).isEqualTo("it \"x\"");
        assertThat(parse("name=\"a,b=c\"").name()).isEqualTo("a,b=c");
        assertThat(parse("size='7';name=q").size()).isEqualTo(7);
        assertThat(errors).isEmpty();
    }

    @Test
    void unquotedValueMayHoldEquals() {
        assertThat(parse("name=a=b").name()).isEqualTo("a=b");
    }

    @Test
    void rejectsEmptyDefinition() {
        assertOnlyError("", "empty definition");
        errors.clear();
        assertOnlyError("   ", "empty definition");
    }

    @Test
    void rejectsMissingName() {
        assertOnlyError("size=3", "missing attribute 'name'");
    }

    @Test
    void rejectsEmptyName() {
        assertOnlyError("name=;size=1", "name: \"\"", "non-empty");
        errors.clear();
        assertOnlyError("name=\"\"", "name: \"\"");
    }

    @Test
    void rejectsDoubleSemicolon() {
        assertOnlyError("name=acc;;size=1", "';;'");
        errors.clear();
        assertOnlyError(";;name=acc", "';;'");
    }

    @Test
    void rejectsLeadingSemicolon() {
        assertOnlyError(";name=acc", "empty attribute before ';' at column 1");
    }

    @Test
    void rejectsUnknownAttribute() {
        assertOnlyError("name=acc;sise=1", "unknown attribute 'sise'", "name, size, addmode, dbmode");
    }

    @Test
    void rejectsRepeatedAttribute() {
        assertOnlyError("name=acc;size=1;SIZE=2", "'size' given twice", "\"1\"", "\"2\"");
    }

    @Test
    void rejectsPartlyNumericSize() {
        assertOnlyError("name=acc;size=3x", "size: \"3x\"", "expected: an integer >= 0");
    }

    @Test
    void rejectsNonNumericSize() {
        assertOnlyError("name=acc;size=abc", "size: \"abc\"");
    }

    @Test
    void rejectsNegativeSize() {
        assertOnlyError("name=acc;size=-1", "size: \"-1\"", ">= 0");
    }

    @Test
    void rejectsSizeBeyondInt() {
        assertOnlyError("name=acc;size=99999999999", "size: \"99999999999\"");
    }

    @Test
    void rejectsEmptySize() {
        assertOnlyError("name=acc;size=", "size: \"\"");
    }

    @Test
    void rejectsAddmodeOutOfRange() {
        assertOnlyError("name=acc;addmode=3", "addmode: \"3\"", "0, 1 or 2");
        errors.clear();
        assertOnlyError("name=acc;addmode=-1", "addmode: \"-1\"");
    }

    @Test
    void rejectsDbmodeOutOfRange() {
        assertOnlyError("name=acc;dbmode=4", "dbmode: \"4\"", "0, 1, 2 or 3");
    }

    @Test
    void rejectsTextAfterComma() {
        assertOnlyError("name=a,size=1", "after ','", ",size=1");
    }

    @Test
    void rejectsAttributeWithoutValue() {
        assertOnlyError("name=acc;size", "'size' has no value");
    }

    @Test
    void rejectsUnquotedSpaceInValue() {
        assertOnlyError("name=my queue", "unexpected text after the value of 'name'", "queue");
    }

    @Test
    void rejectsUnterminatedQuote() {
        assertOnlyError("name=\"acc;size=1", "unterminated", "'name'");
    }

    @Test
    void rejectsTextAfterQuotedValue() {
        assertOnlyError("name=\"a\"b", "unexpected text after the value of 'name'");
    }

    @Test
    void rejectsMissingAttributeName() {
        assertOnlyError("name=acc;=5", "missing attribute name");
    }

    @Test
    void reportsEveryErrorOfOneString() {
        assertThat(parse("name=;size=3x;addmode=7;dbmode=x;colour=red")).isNull();
        assertThat(errors).hasSize(5);
        assertThat(errors).anyMatch(e -> e.startsWith("unknown attribute 'colour'"))
                .anyMatch(e -> e.startsWith("name: \"\""))
                .anyMatch(e -> e.startsWith("size: \"3x\""))
                .anyMatch(e -> e.startsWith("addmode: \"7\""))
                .anyMatch(e -> e.startsWith("dbmode: \"x\""));
    }

    @Test
    void keepsCollectingErrorsAfterDoubleSemicolon() {
        assertThat(parse("name=a;;size=3x;addmode=9")).isNull();
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0)).contains("';;'");
        assertThat(errors.get(1)).startsWith("size: \"3x\"");
        assertThat(errors.get(2)).startsWith("addmode: \"9\"");
    }

    @Test
    void keepsCollectingErrorsAfterComma() {
        assertThat(parse("name=a,x;size=-1")).isNull();
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).contains("after ','", "',x'");
        assertThat(errors.get(1)).startsWith("size: \"-1\"");
    }

    @Test
    void keepsCollectingErrorsAfterAttributeWithoutValue() {
        assertThat(parse("name=a;size;colour=red;addmode=9")).isNull();
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0)).contains("'size' has no value");
        assertThat(errors.get(1)).startsWith("unknown attribute 'colour'");
        assertThat(errors.get(2)).startsWith("addmode: \"9\"");
    }

    @Test
    void keepsCollectingErrorsAfterUnexpectedTextAndMissingAttributeName() {
        assertThat(parse("name=my queue;=5;dbmode=7")).isNull();
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0)).contains("unexpected text after the value of 'name'", "'queue'");
        assertThat(errors.get(1)).contains("missing attribute name");
        assertThat(errors.get(2)).startsWith("dbmode: \"7\"");
    }

    @Test
    void keepsCollectingErrorsAfterUnterminatedQuote() {
        assertThat(parse("name=q;size=\"3;addmode=7")).isNull();
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).contains("unterminated", "'size'");
        assertThat(errors.get(1)).startsWith("addmode: \"7\"");
    }

    @Test
    void reportsMissingNameAfterAStructuralError() {
        assertThat(parse("size=1;;addmode=x")).isNull();
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0)).contains("';;'");
        assertThat(errors.get(1)).startsWith("missing attribute 'name'");
        assertThat(errors.get(2)).startsWith("addmode: \"x\"");
    }

    @Test
    void malformedNameIsNotAlsoReportedMissing() {
        assertOnlyError("name;size=1", "'name' has no value");
        errors.clear();
        assertOnlyError("NAME=\"acc;size=1", "unterminated");
    }

    @Test
    void definitionAfterRecoveredErrorIsStillRefused() {
        assertThat(parse("name=a;;size=1")).isNull();
        assertThat(errors).hasSize(1);
    }
}
