package org.sipmq.sample;

import com.google.inject.Module;
import java.nio.file.Path;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.proxy.ProxyModule;
import org.sipmq.proxy.SipmqMain;
import org.sipmq.proxy.admin.AdminModule;
import org.sipmq.proxy.timer.TimerModule;

/**
 * The sample proxy: {@code java -jar sample-proxy.jar [--config FILE]}. Without {@code --config} it runs on the
 * configuration shipped in the jar (UDP and TCP on 127.0.0.1:5060, H2 under ./data).
 */
public final class SampleProxy {
    static final String BUNDLED_CONFIG = "sample-proxy.cfg";

    private SampleProxy() {
    }

    public static void main(String[] args) {
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else {
                System.err.println("usage: java -jar sample-proxy.jar [--config FILE]");
                System.exit(2);
            }
        }
        if (config != null) {
            SipmqMain.run(config, modules());
        } else {
            SipmqMain.runBundled(SampleProxy.class, BUNDLED_CONFIG, modules());
        }
    }

    /** Every module of the sample, its hooks in the order they run. */
    static Module[] modules() {
        // The hooks' order, declared here and nowhere else: the fallback must see a failure before accounting does
        // (when it forwards, the call is not over), and accounting must see a request before the router forwards it.
        ProxyModule proxy = ProxyModule.builder().hooks(Fallback.class, Accounting.class, StaticRoutes.class).build();
        return new Module[]{proxy, new MQueueModule(), new TimerModule(), new AdminModule(), new SampleModule()};
    }
}
