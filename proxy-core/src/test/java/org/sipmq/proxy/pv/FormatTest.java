package org.sipmq.proxy.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FormatTest {
    /** The arguments each provider was called with, in order ("<none>" for no parentheses). */
    private final List<String> calls = new ArrayList<>();
    private final Map<String, String> values = new HashMap<>();
    private final PvEngine engine = new PvEngine(Map.of(
            "ci", argument -> {
                calls.add("ci:" + (argument == null ? "<none>" : argument));
                return values.get("ci");
            },
            "mqk", new PvProvider() {
                @Override
                public String get(String argument) {
                    calls.add("mqk:" + argument);
                    return values.get("mqk:" + argument);
                }

                @Override
                public void check(String argument) {
                    if (argument == null || argument.equals("bad")) {
                        throw new PvException("$mqk needs a known queue, got " + argument);
                    }
                }
            },
            "mq_size", argument -> "3"));

    @AfterEach
    void clearVars() {
        Vars.clear();
    }

    @Test
    void literalTextRendersAsWritten() {
        Format f = engine.compile("just text");
        assertThat(f.isLiteral()).isTrue();
        assertThat(f.render()).isEqualTo("just text");
        assertThat(f.value()).isEqualTo("just text");
        assertThat(f.text()).isEqualTo("just text");
        assertThat(f).hasToString("just text");
        assertThat(engine.compile("").render()).isEmpty();
    }

    @Test
    void pseudoVariableWithoutParenthesesGetsNullArgument() {
        values.put("ci", "abc@host");
        assertThat(engine.compile("id=$ci;").render()).isEqualTo("id=abc@host;");
        assertThat(calls).containsExactly("ci:<none>");
    }

    @Test
    void pseudoVariableWithArgumentAndNamesWithDigitsAndUnderscores() {
        values.put("mqk:acc", "k1");
        assertThat(engine.compile("$mqk(acc)/$mq_size(acc)").render()).isEqualTo("k1/3");
    }

    @Test
    void nestedPseudoVariableNamesTheArgumentAtRenderTime() {
        values.put("mqk:cdr", "k2");
        Format f = engine.compile("$mqk($var(q))");
        Vars.set("q", "cdr");
        assertThat(f.render()).isEqualTo("k2");
        assertThat(calls).containsExactly("mqk:cdr");
    }

    @Test
    void nestedPseudoVariableThatIsNullIsAnError() {
        Format f = engine.compile("$mqk($var(q))");
        assertThatThrownBy(f::render).isInstanceOf(PvException.class)
                .hasMessage("the name inside $mqk($var(q)) is null");
    }

    @Test
    void nullRendersAsNullMarkerButValueOfOnePseudoVariableIsNull() {
        assertThat(engine.compile("x=$ci").render()).isEqualTo("x=<null>");
        assertThat(engine.compile("$ci").render()).isEqualTo(Format.NULL);
        assertThat(engine.compile("$ci").value()).isNull();
    }

    @Test
    void unknownPseudoVariableIsAnErrorListingTheKnownOnes() {
        assertThatThrownBy(() -> engine.compile("a $fu b")).isInstanceOf(PvException.class)
                .hasMessage("unknown pseudo-variable '$fu' in format \"a $fu b\" (known: ci, mq_size, mqk, var)");
    }

    @Test
    void missingClosingParenthesisIsAnError() {
        assertThatThrownBy(() -> engine.compile("$mqk(acc")).isInstanceOf(PvException.class)
                .hasMessage("missing ')' after '$mqk(' in format \"$mqk(acc\"");
    }

    @Test
    void transformationsAreRejected() {
        assertThatThrownBy(() -> engine.compile("$(ci{s.len})")).isInstanceOf(PvException.class)
                .hasMessage("transformations $(...) are not supported, in format \"$(ci{s.len})\"");
    }

    @Test
    void dollarBeforeANonNameCharacterStaysLiteral() {
        Format f = engine.compile("cost $5, $ and $$ and $");
        assertThat(f.isLiteral()).isTrue();
        assertThat(f.render()).isEqualTo("cost $5, $ and $$ and $");
    }

    @Test
    void literalArgumentsAreCheckedAtCompileTime() {
        assertThatThrownBy(() -> engine.compile("$mqk(bad)")).hasMessage("$mqk needs a known queue, got bad");
        assertThatThrownBy(() -> engine.compile("$mqk")).hasMessage("$mqk needs a known queue, got null");
        assertThatThrownBy(() -> engine.compile("$var()")).hasMessage("$var needs a name: $var(name)");
    }

    @Test
    void nestedArgumentMustBeExactlyOnePseudoVariable() {
        assertThatThrownBy(() -> engine.compile("$mqk($var(q)x)")).isInstanceOf(PvException.class)
                .hasMessageContaining("must be one pseudo-variable or plain text, got '$var(q)x'");
    }
}
