package org.sipmq.proxy.admin;

import org.sipmq.proxy.SipmqModule;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.internal.admin.AdminBindings;
import org.sipmq.proxy.internal.admin.AdminSettings;

/**
 * The admin endpoint: Kamailio-compatible JSON-RPC 2.0 at {@code POST /RPC} and Prometheus text at
 * {@code GET /metrics}, on one HTTP port. Reads from the configuration file:
 *
 * <pre>
 * admin.listen = 127.0.0.1:5080   # default; an IP literal (or localhost) and a port, [::1]:5080 for IPv6, port 0 = any
 * admin.token = 3f9a...           # optional on loopback; required on any other address (start-up error otherwise)
 * </pre>
 *
 * When a token is set every request must carry {@code Authorization: Bearer <token>}, or is refused with 401. Methods
 * are contributed by name through {@link RpcMethods}; {@code core.version} and {@code core.uptime} are built
 * in. The running endpoint is the bound {@link AdminEndpoint} (its address gives the port actually bound).
 */
public final class AdminModule extends SipmqModule {
    private AdminSettings settings = AdminSettings.defaults();

    @Override
    protected void readConfig(ConfigFile file, ConfigErrors errors) {
        settings = AdminSettings.read(file, errors);
    }

    @Override
    protected void configure() {
        install(new AdminBindings(settings));
    }
}
