package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipmq.mqueue.MQueueConfig;
import org.sipmq.mqueue.MQueues;
import org.sipmq.mqueue.RedisSettings;
import org.sipmq.proxy.Service;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.config.ConfigException;
import org.sipmq.proxy.timer.TimerRoute;

/** The configurations shipped in {@code conf/} build a whole application without a single error (nothing started). */
class ShippedConfigsTest {
    @ParameterizedTest
    @ValueSource(strings = {"sample-proxy.cfg", "sample-proxy-mysql.cfg"})
    void shippedConfigurationHasNoErrors(String name) {
        Sipmq app = Sipmq.configure(Path.of("conf", name), SampleProxy.modules());

        MQueues queues = app.injector().getInstance(MQueues.class);
        assertThat(queues.all()).extracting(q -> q.definition().toString())
                .containsExactly("name=acc;size=0;addmode=0;dbmode=1",
                        "name=caller_state;size=10000;addmode=2;dbmode=0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample-proxy-redis-node1.cfg", "sample-proxy-redis-node2.cfg"})
    void shippedTwoNodeConfigurationsShareTheirQueuesInRedis(String name) {
        Sipmq app = Sipmq.configure(Path.of("conf", name), SampleProxy.modules());

        MQueues queues = app.injector().getInstance(MQueues.class);
        assertThat(queues.all()).extracting(q -> q.definition().toString())
                .containsExactly("name=acc;size=0;addmode=0;dbmode=0;backend=redis",
                        "name=caller_state;size=10000;addmode=2;dbmode=0;backend=redis");
        assertThat(app.injector().getInstance(MQueueConfig.class).redis())
                .isEqualTo(RedisSettings.of("redis://127.0.0.1:6379/0"));
    }

    /** The benchmark's templates, filled in as bench/sipp_bench.py does. */
    private static Sipmq benchTemplate(String name) throws IOException {
        String text = Files.readString(Path.of("conf", name)).replace("@PORT@", "5060")
                .replace("@ADMIN_PORT@", "5080").replace("@DATA@", "./data").replace("@DRAIN_DELAY_MS@", "0");
        return Sipmq.configure(name, text, SampleProxy.modules());
    }

    @Test
    void fullBenchmarkTemplateHasNoErrors() throws IOException {
        Sipmq app = benchTemplate("bench.cfg");

        assertThat(app.injector().getInstance(MQueues.class).all()).extracting(q -> q.definition().name())
                .containsExactly("acc", "caller_state");
        assertThat(timerRoutes(app).get("ACC_DRAIN")).isInstanceOf(AccDrain.class);
    }

    @Test
    void kamailioEquivalentTemplateOnlyQueuesAndFetchesWithoutADatabase() throws IOException {
        Sipmq app = benchTemplate("bench-kamailio-equivalent.cfg");

        assertThat(app.injector().getInstance(MQueues.class).all()).extracting(q -> q.definition().toString())
                .containsExactly("name=acc;size=0;addmode=0;dbmode=0");
        assertThat(timerRoutes(app)).containsOnlyKeys("ACC_DRAIN");
        assertThat(timerRoutes(app).get("ACC_DRAIN")).isInstanceOf(AccFetch.class);
        assertThat(app.injector().getInstance(Key.get(new TypeLiteral<Set<Service>>() {
        }))).noneMatch(s -> s instanceof SampleDatabase);
        assertThat(app.injector().getInstance(SampleSettings.class).accBatch()).isEqualTo(100_000);
    }

    /** bench/scale_out.py's template, with the redis_url line the script adds. */
    @Test
    void scaleOutBenchmarkTemplateSharesAccInRedis() throws IOException {
        String text = Files.readString(Path.of("conf", "bench-redis.cfg")).replace("@PORT@", "5060")
                .replace("@ADMIN_PORT@", "5080").replace("@DRAIN_DELAY_MS@", "0")
                + "modparam(\"mqueue\", \"redis_url\", \"redis://127.0.0.1:6379/0\")\n";
        Sipmq app = Sipmq.configure("bench-redis.cfg", text, SampleProxy.modules());

        assertThat(app.injector().getInstance(MQueues.class).all()).extracting(q -> q.definition().toString())
                .containsExactly("name=acc;size=0;addmode=0;dbmode=0;backend=redis");
        assertThat(timerRoutes(app).get("ACC_DRAIN")).isInstanceOf(AccFetch.class);
    }

    private static Map<String, TimerRoute> timerRoutes(Sipmq app) {
        return app.injector().getInstance(Key.get(new TypeLiteral<Map<String, TimerRoute>>() {
        }));
    }

    @Test
    void bundledDefaultIsTheShippedFile() throws IOException {
        try (var in = SampleProxy.class.getResourceAsStream(SampleProxy.BUNDLED_CONFIG)) {
            assertThat(in).as("bundled configuration").isNotNull();
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(Files.readString(Path.of("conf", "sample-proxy.cfg")));
        }
    }

    @Test
    void sampleParameterErrorsAreReportedWithTheOthers() {
        String text = """
                listen = udp:127.0.0.1:5060
                modparam("sample", "route", "alice")
                modparam("sample", "fallback", "127.0.0.1:5092")
                modparam("sample", "acc_batch", 0)
                modparam("sample", "colour", "blue")
                modparam("mqueue", "mqueue", "name=acc;size=-1")
                """;
        assertThatThrownBy(() -> Sipmq.configure("bad.cfg", text, SampleProxy.modules()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.cfg:2: modparam(\"sample\", \"route\"): \"alice\" (expected: user=sip:")
                .hasMessageContaining("bad.cfg:3: modparam(\"sample\", \"fallback\")")
                .hasMessageContaining(
                        "bad.cfg:4: modparam(\"sample\", \"acc_batch\"): \"0\" (expected: an integer >= 1)")
                .hasMessageContaining("bad.cfg:5: modparam(\"sample\", \"colour\"): unknown parameter")
                .hasMessageContaining("bad.cfg:6:")
                .hasMessageContaining("5 errors");
    }
}
