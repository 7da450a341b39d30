package org.sipmq.mqueue.internal.rpc;

import com.google.inject.Provides;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueues;
import org.sipmq.proxy.ConfigErrors;
import org.sipmq.proxy.ConfigFile;
import org.sipmq.proxy.PvEngine;
import org.sipmq.proxy.Setting;
import org.sipmq.proxy.SipmqModule;

/**
 * Binds {@link FakeMQueues} from {@code modparam("mqueue", "mqueue", "name=acc;size=3;addmode=1")} lines (a lenient
 * parser: only what the tests write). Stands where the real {@code MQueueModule} will: replace it there and the RPC
 * tests run against the real queues.
 */
final class FakeMQueueModule extends SipmqModule {
    /** The fake's clock, in nanoseconds, moved by hand by the tests (oldest-item age). */
    final AtomicLong nanos = new AtomicLong();
    private final List<MQueueDefinition> definitions = new ArrayList<>();

    @Override
    protected void readConfig(ConfigFile file, ConfigErrors errors) {
        for (Setting s : file.module("mqueue")) {
            if (!s.name().equals("mqueue")) {
                errors.add(s, "not supported by the test fake");
                continue;
            }
            Map<String, String> attrs = new HashMap<>();
            for (String pair : s.value().split(";")) {
                int eq = pair.indexOf('=');
                attrs.put(pair.substring(0, eq).strip().toLowerCase(Locale.ROOT), pair.substring(eq + 1).strip());
            }
            definitions.add(new MQueueDefinition(attrs.get("name"), Integer.parseInt(attrs.getOrDefault("size", "0")),
                    Integer.parseInt(attrs.getOrDefault("addmode", "0")), 0));
        }
    }

    @Override
    protected void configure() {
        install(new MQueueRpcModule());
    }

    @Provides
    @Singleton
    MQueues queues(PvEngine pv) {
        return new FakeMQueues(pv, definitions, nanos::get);
    }
}
