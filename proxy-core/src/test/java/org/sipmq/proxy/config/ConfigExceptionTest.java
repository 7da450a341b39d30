package org.sipmq.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigExceptionTest {
    @Test
    void rendersEveryErrorNumberedWithTheCount() {
        ConfigException e = new ConfigException(List.of("p.cfg:1: one", "p.cfg:2: two"));
        assertThat(e.getMessage()).isEqualTo("""
                Configuration errors:

                1) p.cfg:1: one

                2) p.cfg:2: two

                2 errors""");
    }

    @Test
    void saysErrorForASingleOne() {
        assertThat(new ConfigException(List.of("x")).getMessage())
                .isEqualTo("Configuration errors:\n\n1) x\n\n1 error");
    }

    @Test
    void errorsAreUnnumberedAndImmutable() {
        List<String> list = new ArrayList<>(List.of("a", "b"));
        ConfigException e = new ConfigException(list);
        list.add("c");
        assertThat(e.errors()).containsExactly("a", "b");
    }
}
