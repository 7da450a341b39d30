package org.sipmq.proxy.testing;

import java.nio.file.Path;
import org.sipmq.proxy.ProxyModule;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.SipmqMain;

/**
 * A proxy application's {@code main}, run in a child JVM by {@code SipmqMainIT}. {@code run CONFIG} runs until SIGTERM;
 * {@code start-stop CONFIG} starts, stops and returns from {@code main}, so the JVM must end by itself.
 */
public final class ProxyMain {
    private ProxyMain() {
    }

    public static void main(String[] args) {
        Path config = Path.of(args[1]);
        if (args[0].equals("run")) {
            SipmqMain.run(config, new ProxyModule());
        } else {
            Sipmq app = Sipmq.configure(config, new ProxyModule());
            app.start();
            app.stop();
            System.out.println("main returns");
        }
    }
}
