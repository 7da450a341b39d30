package org.sipmq.mqueue.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisUrlTest {
    @Test
    void readsHostPortDatabaseAndCredentials() {
        assertThat(RedisUrl.parse("redis://127.0.0.1:6380/3")).isEqualTo(new RedisUrl("127.0.0.1", 6380, 3, null,
                null));
        assertThat(RedisUrl.parse("redis://localhost")).isEqualTo(new RedisUrl("localhost", 6379, 0, null, null));
        assertThat(RedisUrl.parse("redis://:s%40cret@h:1/0")).isEqualTo(new RedisUrl("h", 1, 0, null, "s@cret"));
        assertThat(RedisUrl.parse("redis://u:p@h/0")).isEqualTo(new RedisUrl("h", 6379, 0, "u", "p"));
    }

    @Test
    void neverPrintsThePassword() {
        assertThat(RedisUrl.parse("redis://u:secret@h:1/2").toString()).isEqualTo("redis://***@h:1/2");
        assertThatThrownBy(() -> RedisUrl.parse("redis://u:secret@h:1/x")).hasMessageNotContaining("secret")
                .hasMessageContaining("database 'x'");
    }

    @Test
    void refusesOtherFormsWithTheExpectedOne() {
        assertThatThrownBy(() -> RedisUrl.parse("")).hasMessageContaining("expected: redis://");
        assertThatThrownBy(() -> RedisUrl.parse("127.0.0.1:6379")).hasMessageContaining("expected: redis://");
        assertThatThrownBy(() -> RedisUrl.parse("rediss://h/0")).hasMessageContaining("TLS");
        assertThatThrownBy(() -> RedisUrl.parse("redis:///0")).hasMessageContaining("no host");
        assertThatThrownBy(() -> RedisUrl.parse("redis://h/0?timeout=1")).hasMessageContaining("'?'");
    }
}
