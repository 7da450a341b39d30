package org.sipmq.proxy.internal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Properties;
import org.sipmq.proxy.admin.RpcMethod;

/**
 * {@code core.version}: one string, shaped as Kamailio's ({@code "kamailio 5.8.0 (x86_64/linux) 4c1c6e"}):
 * {@code "sipmq 0.1.0 (amd64/linux)"}.
 */
final class CoreVersion implements RpcMethod {
    static final String NAME = "core.version";

    private final TextNode version = TextNode.valueOf("sipmq " + projectVersion() + " ("
            + System.getProperty("os.arch") + "/" + System.getProperty("os.name").toLowerCase(Locale.ROOT) + ")");

    @Override
    public JsonNode call(JsonNode params) {
        return version;
    }

    /** The Maven project version, written into a resource by the build. */
    static String projectVersion() {
        try (InputStream in = CoreVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read version.properties", e);
        }
    }
}
