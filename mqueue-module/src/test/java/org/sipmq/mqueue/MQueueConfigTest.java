package org.sipmq.mqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;

class MQueueConfigTest {
    private final ConfigErrors errors = new ConfigErrors();

    private MQueueConfig read(String... lines) {
        ConfigFile file = ConfigFile.parse("test.cfg", String.join("\n", lines), errors);
        assertThat(errors.messages()).as("file syntax").isEmpty();
        return MQueueConfig.read(file, errors);
    }

    @Test
    void readsDefinitionsInDefinitionOrder() {
        MQueueConfig c = read("modparam(\"mqueue\", \"mqueue\", \"name=b;size=10\")",
                "modparam(\"mqueue\", \"mqueue\", \"name=a;addmode=2\")",
                "modparam(\"mqueue\", \"mqueue_name\", \"c\")");

        assertThat(errors.messages()).isEmpty();
        assertThat(c.definitions()).containsExactly(new MQueueDefinition("b", 10, 0, 0),
                new MQueueDefinition("a", 0, 2, 0), new MQueueDefinition("c", 0, 0, 0));
        assertThat(c.dbUrl()).isEmpty();
    }

    @Test
    void mqueueNameTakesSizeAndAddmodeInForceOnItsLine() {
        MQueueConfig c = read("modparam(\"mqueue\", \"mqueue_name\", \"first\")",
                "modparam(\"mqueue\", \"mqueue_size\", 50)", "modparam(\"mqueue\", \"mqueue_name\", \"second\")",
                "modparam(\"mqueue\", \"mqueue_addmode\", 2)", "modparam(\"mqueue\", \"mqueue_name\", \"third\")",
                "modparam(\"mqueue\", \"mqueue_size\", 0)", "modparam(\"mqueue\", \"mqueue_name\", \"fourth\")");

        assertThat(errors.messages()).isEmpty();
        assertThat(c.definitions()).containsExactly(new MQueueDefinition("first", 0, 0, 0),
                new MQueueDefinition("second", 50, 0, 0), new MQueueDefinition("third", 50, 2, 0),
                new MQueueDefinition("fourth", 0, 2, 0));
    }

    @Test
    void globalsNeverAffectFullDefinitions() {
        MQueueConfig c = read("modparam(\"mqueue\", \"mqueue_size\", 50)",
                "modparam(\"mqueue\", \"mqueue_addmode\", 1)",
                "modparam(\"mqueue\", \"mqueue\", \"name=full\")");

        assertThat(c.definitions()).containsExactly(new MQueueDefinition("full", 0, 0, 0));
    }

    @Test
    void mqueueNameIsTheWholeStringUnparsed() {
        MQueueConfig c = read("modparam(\"mqueue\", \"mqueue_name\", \"a;size=3 b\")");

        assertThat(c.definitions()).containsExactly(new MQueueDefinition("a;size=3 b", 0, 0, 0));
    }

    @Test
    void namesAreCaseSensitiveSoQAndBigQAreTwoQueues() {
        MQueueConfig c = read("modparam(\"mqueue\", \"mqueue\", \"name=q\")",
                "modparam(\"mqueue\", \"mqueue\", \"name=Q\")");

        assertThat(errors.messages()).isEmpty();
        assertThat(c.definitions()).extracting(MQueueDefinition::name).containsExactly("q", "Q");
    }

    @Test
    void rejectsDuplicateNamesAcrossBothForms() {
        MQueueConfig c = read("modparam(\"mqueue\", \"mqueue\", \"name=acc\")",
                "modparam(\"mqueue\", \"mqueue_name\", \"acc\")");

        assertThat(errors.messages()).containsExactly("test.cfg:2: modparam(\"mqueue\", \"mqueue_name\"): mqueue 'acc'"
                + " defined twice (first at test.cfg:1; names are case-sensitive, expected: a unique name)");
        assertThat(c.definitions()).hasSize(1);
    }

    @Test
    void keepsDbUrlRaw() {
        MQueueConfig c = read("modparam(\"mqueue\", \"db_url\", \"mysql://u:p@h:3306/db\")",
                "modparam(\"mqueue\", \"mqueue\", \"name=acc;dbmode=1\")");

        assertThat(errors.messages()).isEmpty();
        assertThat(c.dbUrl()).contains("mysql://u:p@h:3306/db");
        assertThat(c.toString()).doesNotContain("u:p");
    }

    @Test
    void rejectsDbmodeWithoutDbUrl() {
        read("modparam(\"mqueue\", \"mqueue\", \"name=acc;dbmode=3\")",
                "modparam(\"mqueue\", \"mqueue\", \"name=ok\")");

        assertThat(errors.messages()).singleElement().asString().startsWith("test.cfg:1: ")
                .contains("mqueue 'acc' has dbmode=3 but no database is configured");
    }

    @Test
    void rejectsRepeatedAndEmptyDbUrl() {
        read("modparam(\"mqueue\", \"db_url\", \"mysql://a/b\")", "modparam(\"mqueue\", \"db_url\", \"mysql://c/d\")",
                "modparam(\"mqueue\", \"db_url\", \"\")");

        assertThat(errors.messages()).hasSize(2);
        assertThat(errors.messages().get(0)).contains("test.cfg:2:", "given twice (first at test.cfg:1");
    }

    @Test
    void spoolDirDefaultsToMqueueSpoolAndIsReadOnce() {
        assertThat(MQueueConfig.EMPTY.spoolDir()).isEqualTo("mqueue-spool");
        MQueueConfig c = read("modparam(\"mqueue\", \"spool_dir\", \"/var/spool/sipmq\")",
                "modparam(\"mqueue\", \"spool_dir\", \"/tmp/x\")", "modparam(\"mqueue\", \"spool_dir\", \"\")");

        assertThat(c.spoolDir()).isEqualTo("/var/spool/sipmq");
        assertThat(errors.messages()).hasSize(2);
        assertThat(errors.messages().get(0)).contains("test.cfg:2:", "given twice (first at test.cfg:1");
        assertThat(errors.messages().get(1)).contains("test.cfg:3:", "(expected: a directory path)");
    }

    @Test
    void rejectsUnknownParameter() {
        read("modparam(\"mqueue\", \"mqueue_sise\", 5)");

        assertThat(errors.messages())
                .containsExactly("test.cfg:1: modparam(\"mqueue\", \"mqueue_sise\"): unknown mqueue"
                        + " parameter 'mqueue_sise' (expected one of: mqueue, mqueue_name, mqueue_size, mqueue_addmode, db_url,"
                        + " spool_dir, redis_url, redis_buffer, redis_batch, redis_fetch)");
    }

    @Test
    void rejectsBadGlobalsAndKeepsThePreviousValue() {
        MQueueConfig c = read("modparam(\"mqueue\", \"mqueue_size\", 5)",
                "modparam(\"mqueue\", \"mqueue_size\", \"5x\")",
                "modparam(\"mqueue\", \"mqueue_addmode\", 3)", "modparam(\"mqueue\", \"mqueue_size\", -2)",
                "modparam(\"mqueue\", \"mqueue_name\", \"q\")", "modparam(\"mqueue\", \"mqueue_name\", \"\")");

        assertThat(errors.messages()).containsExactly(
                "test.cfg:2: modparam(\"mqueue\", \"mqueue_size\"): \"5x\" (expected: an integer >= 0)",
                "test.cfg:3: modparam(\"mqueue\", \"mqueue_addmode\"): \"3\" (expected: 0, 1 or 2)",
                "test.cfg:4: modparam(\"mqueue\", \"mqueue_size\"): \"-2\" (expected: an integer >= 0)",
                "test.cfg:6: modparam(\"mqueue\", \"mqueue_name\"): \"\" (expected: a non-empty queue name)");
        assertThat(c.definitions()).containsExactly(new MQueueDefinition("q", 5, 0, 0));
    }

    @Test
    void reportsEveryErrorOfTheFileTogether() {
        MQueueConfig c = read("modparam(\"mqueue\", \"mqueue\", \"name=a;;size=1\")",
                "modparam(\"mqueue\", \"mqueue\", \"name=b;size=3x;colour=red\")",
                "modparam(\"mqueue\", \"mqueue\", \"name=c,size=1\")", "modparam(\"mqueue\", \"mqueue\", \"name=ok\")",
                "modparam(\"mqueue\", \"mqueue\", \"name=ok\")",
                "modparam(\"mqueue\", \"mqueue\", \"name=d;dbmode=1\")",
                "modparam(\"mqueue\", \"foo\", 1)");

        assertThat(errors.messages()).hasSize(7);
        assertThat(errors.messages().get(0)).startsWith("test.cfg:1: ").contains("\"name=a;;size=1\"", "';;'");
        assertThat(errors.messages().get(1)).startsWith("test.cfg:2: ").contains("unknown attribute 'colour'");
        assertThat(errors.messages().get(2)).startsWith("test.cfg:2: ").contains("size: \"3x\"");
        assertThat(errors.messages().get(3)).startsWith("test.cfg:3: ").contains("after ','");
        assertThat(errors.messages().get(4)).startsWith("test.cfg:5: ").contains("'ok' defined twice");
        assertThat(errors.messages().get(5)).startsWith("test.cfg:7: ").contains("unknown mqueue parameter 'foo'");
        assertThat(errors.messages().get(6)).startsWith("test.cfg:6: ").contains("'d' has dbmode=1");
        assertThat(c.definitions()).extracting(MQueueDefinition::name).containsExactly("ok", "d");
        assertThatThrownBy(errors::throwIfAny).hasMessageContaining("7) ").hasMessageContaining("7 errors");
    }

    @Test
    void readsOnlyItsOwnModule() {
        ConfigFile file = ConfigFile.parse("t.cfg", "modparam(\"other\", \"mqueue\", \"name=x\")\nlisten = udp:1",
                errors);
        MQueueConfig c = MQueueConfig.read(file, errors);
        file.reportUnread(errors);

        assertThat(c.definitions()).isEmpty();
        assertThat(errors.messages()).hasSize(2);
    }

    @Test
    void ofChecksLikeAFile() {
        MQueueDefinition a = new MQueueDefinition("a", 0, 0, 1);
        assertThat(MQueueConfig.of(List.of(a), Optional.of("mysql://h/db")).definitions()).containsExactly(a);
        assertThatThrownBy(() -> MQueueConfig.of(a)).hasMessageContaining("mqueue 'a' has dbmode=1");
        MQueueDefinition b = new MQueueDefinition("b", 0, 0, 0);
        assertThatThrownBy(() -> MQueueConfig.of(b, b)).hasMessageContaining("mqueue 'b' defined twice");
    }

    @Test
    void equalConfigsAreEqual() {
        MQueueDefinition a = new MQueueDefinition("a", 1, 0, 0);
        assertThat(MQueueConfig.of(a)).isEqualTo(MQueueConfig.of(a)).hasSameHashCodeAs(MQueueConfig.of(a));
        assertThat(MQueueConfig.of()).isEqualTo(MQueueConfig.EMPTY);
    }

    @Test
    void readsRedisSettingsAndRedisQueues() {
        MQueueConfig c = read("modparam(\"mqueue\", \"redis_url\", \"redis://:pw@127.0.0.1:6379/2\")",
                "modparam(\"mqueue\", \"redis_buffer\", 500)", "modparam(\"mqueue\", \"redis_batch\", 64)",
                "modparam(\"mqueue\", \"redis_fetch\", 1)",
                "modparam(\"mqueue\", \"mqueue\", \"name=acc;size=10;addmode=2;backend=redis\")",
                "modparam(\"mqueue\", \"mqueue\", \"name=local\")");

        assertThat(errors.messages()).isEmpty();
        assertThat(c.redis()).isEqualTo(new RedisSettings("redis://:pw@127.0.0.1:6379/2", 500, 64, 1));
        assertThat(c.definitions()).containsExactly(
                new MQueueDefinition("acc", 10, 2, 0, MQueueDefinition.Backend.REDIS),
                new MQueueDefinition("local", 0, 0, 0));
        assertThat(c.hasRedisQueues()).isTrue();
        assertThat(c.toString()).contains("with redis_url").doesNotContain("pw");
    }

    @Test
    void reportsEveryRedisErrorAtOnce() {
        read("modparam(\"mqueue\", \"mqueue\", \"name=a;backend=redis\")",
                "modparam(\"mqueue\", \"mqueue\", \"name=b;backend=redis;dbmode=1\")",
                "modparam(\"mqueue\", \"mqueue\", \"name=c;backend=memcached\")",
                "modparam(\"mqueue\", \"redis_buffer\", 0)", "modparam(\"mqueue\", \"redis_fetch\", \"x\")",
                "modparam(\"mqueue\", \"db_url\", \"mysql://u:p@h/db\")");

        assertThat(errors.messages()).containsExactly(
                "test.cfg:3: modparam(\"mqueue\", \"mqueue\"): \"name=c;backend=memcached\": backend: \"memcached\""
                        + " (expected: local or redis)",
                "test.cfg:4: modparam(\"mqueue\", \"redis_buffer\"): \"0\" (expected: an integer >= 1)",
                "test.cfg:5: modparam(\"mqueue\", \"redis_fetch\"): \"x\" (expected: an integer 1-100000)",
                "test.cfg:1: modparam(\"mqueue\", \"mqueue\"): mqueue 'a' has backend=redis but no Redis is configured"
                        + " (expected: modparam(\"mqueue\", \"redis_url\", \"redis://host:port/db\") or backend=local)",
                "test.cfg:2: modparam(\"mqueue\", \"mqueue\"): mqueue 'b' has backend=redis and dbmode=1, but a Redis"
                        + " queue is shared by every node and outlives each of them, so one node's load at start or save"
                        + " at stop would take or duplicate the other nodes' items (expected: dbmode=0 with"
                        + " backend=redis, and Redis's own persistence, appendonly yes; see docs/scale-out.md)");
    }

    @Test
    void rejectsMalformedAndRepeatedRedisUrls() {
        read("modparam(\"mqueue\", \"redis_url\", \"http://127.0.0.1:6379\")",
                "modparam(\"mqueue\", \"redis_url\", \"redis://127.0.0.1:6379/0\")",
                "modparam(\"mqueue\", \"mqueue\", \"name=a;backend=redis\")");

        assertThat(errors.messages()).hasSize(2);
        assertThat(errors.messages().get(0)).startsWith("test.cfg:1: modparam(\"mqueue\", \"redis_url\"): ")
                .contains("scheme 'http'", "expected: redis://");
        assertThat(errors.messages().get(1)).contains("test.cfg:2:", "given twice (first at test.cfg:1");
    }

    @Test
    void ofChecksRedisQueuesToo() {
        MQueueDefinition shared = new MQueueDefinition("acc", 0, 0, 0, MQueueDefinition.Backend.REDIS);
        assertThatThrownBy(() -> MQueueConfig.of(List.of(shared), Optional.empty()))
                .hasMessageContaining("mqueue 'acc' has backend=redis but no Redis is configured");
        assertThat(MQueueConfig.of(List.of(shared), Optional.empty(), RedisSettings.of("redis://h/0")).redis().url())
                .isEqualTo("redis://h/0");
    }
}
