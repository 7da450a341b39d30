package org.sipmq.mqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.config.ConfigException;
import org.sipmq.proxy.pv.PvEngine;
import org.sipmq.proxy.pv.Vars;

class MQueueModuleTest {
    private static final String CONFIG = """
            # queues as a Kamailio user writes them
            modparam("mqueue", "mqueue", "name=acc;size=100;addmode=2")
            modparam("mqueue", "mqueue_size", 2)
            modparam("mqueue", "mqueue_name", "cdr")
            modparam("mqueue", "db_url", "mysql://root@127.0.0.1/test")
            """;

    @AfterEach
    void clearVars() {
        Vars.clear();
    }

    @Test
    void bindsQueuesConfigAndPseudoVariablesFromTheFile() {
        Sipmq app = Sipmq.configure("test.cfg", CONFIG, new MQueueModule());

        MQueues queues = app.injector().getInstance(MQueues.class);
        MQueueConfig config = app.injector().getInstance(MQueueConfig.class);
        PvEngine pv = app.injector().getInstance(PvEngine.class);

        assertThat(config.definitions()).containsExactly(new MQueueDefinition("acc", 100, 2, 0),
                new MQueueDefinition("cdr", 2, 0, 0));
        assertThat(config.dbUrl()).contains("mysql://root@127.0.0.1/test");
        assertThat(queues.all()).extracting(MQueue::name).containsExactly("acc", "cdr");
        assertThat(app.injector().getInstance(MQueues.class)).isSameAs(queues);

        Vars.set("q", "cdr");
        assertThat(queues.mq_add("$var(q)", "k", "v")).isEqualTo(1);
        assertThat(pv.format("$mq_size(cdr) $mq_size($var(q))")).isEqualTo("1 1");
        assertThat(queues.mq_fetch("cdr")).isEqualTo(1);
        assertThat(pv.format("$mqk(cdr)=$mqv($var(q))")).isEqualTo("k=v");
    }

    @Test
    void reportsConfigurationErrorsThroughTheApplication() {
        String bad = """
                modparam("mqueue", "mqueue", "name=acc;size=3x")
                modparam("mqueue", "mqueue", "name=q;dbmode=1")
                modparam("mqueue", "mqueue_colour", "red")
                """;

        assertThatThrownBy(() -> Sipmq.configure("bad.cfg", bad, new MQueueModule()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).hasSize(3))
                .hasMessageContaining("bad.cfg:1: ").hasMessageContaining("size: \"3x\"")
                .hasMessageContaining("bad.cfg:3: ").hasMessageContaining("mqueue_colour")
                .hasMessageContaining("bad.cfg:2: ").hasMessageContaining("mqueue 'q' has dbmode=1");
    }

    @Test
    void reportsRedisErrorsWithTheOthersBeforeAnythingConnects() {
        String bad = """
                modparam("mqueue", "mqueue", "name=acc;backend=redis")
                modparam("mqueue", "mqueue", "name=cdr;backend=redis;dbmode=1")
                modparam("mqueue", "redis_batch", 0)
                """;

        assertThatThrownBy(() -> Sipmq.configure("bad.cfg", bad, new MQueueModule()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).hasSize(3))
                .hasMessageContaining("bad.cfg:1: ").hasMessageContaining("mqueue 'acc' has backend=redis but no Redis")
                .hasMessageContaining("bad.cfg:2: ").hasMessageContaining("mqueue 'cdr' has backend=redis and dbmode=1")
                .hasMessageContaining("bad.cfg:3: ").hasMessageContaining("redis_batch");
    }

    @Test
    void aRedisQueueIsBuiltWithoutConnectingUntilTheApplicationStarts() {
        Sipmq app = Sipmq.configure("redis.cfg", """
                modparam("mqueue", "redis_url", "redis://127.0.0.1:1/0")
                modparam("mqueue", "mqueue", "name=acc;backend=redis")
                """, new MQueueModule());

        MQueues queues = app.injector().getInstance(MQueues.class);
        assertThat(queues.queue("acc").definition().backend()).isEqualTo(MQueueDefinition.Backend.REDIS);
        assertThat(queues.mq_size("acc")).isZero();
        assertThat(queues.mq_add("acc", "k", "v")).as("buffered: nothing has connected").isEqualTo(1);
    }

    @Test
    void emptyConfigurationGivesNoQueues() {
        Sipmq app = Sipmq.configure("empty.cfg", "", new MQueueModule());

        assertThat(app.injector().getInstance(MQueues.class).all()).isEmpty();
    }

    @Test
    void moduleWithAConfigurationInCodeIgnoresTheFile() {
        MQueueConfig config = MQueueConfig.of(new MQueueDefinition("jobs", 0, 1, 0));
        Sipmq app = Sipmq.configure("code.cfg", "", new MQueueModule(config));

        assertThat(app.injector().getInstance(MQueues.class).queue("jobs").definition().addmode()).isEqualTo(1);
    }

    @Test
    void moduleWithoutConfigurationSaysHowToBuildIt() {
        assertThatThrownBy(() -> Guice.createInjector(new MQueueModule())).isInstanceOf(CreationException.class)
                .hasMessageContaining("MQueueModule has no configuration");
    }
}
