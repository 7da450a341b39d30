package org.sipmq.mqueue.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipmq.mqueue.MQueueModule;
import org.sipmq.mqueue.interop.SippAdds.Add;
import org.sipmq.proxy.Sipmq;
import org.sipmq.proxy.config.ConfigException;

/**
 * Queue definitions move over unchanged: the same {@code modparam("mqueue", ...)} lines, Kamailio's quirks included,
 * give the same queues in Kamailio 5.6 and in sipmq. Both get the same adds through SIP (SIPp MESSAGEs, a route that
 * calls {@code mq_add} from their headers); then {@code mqueue.get_sizes} must answer the same (names, sizes, order)
 * and every queue must hand out the same items through {@code mqueue.fetch}, which shows the size limits and addmodes
 * each line defined.
 */
@Timeout(180)
class KamailioDefinitionsIT {
    /** Every quirk a Kamailio configuration may rely on, in one file. */
    static final String DEFINITIONS = """
            modparam("mqueue", "mqueue_name", "g0")
            modparam("mqueue", "mqueue_size", 2)
            modparam("mqueue", "mqueue_name", "g2")
            modparam("mqueue", "mqueue_addmode", 1)
            modparam("mqueue", "mqueue_name", "g2a1")
            modparam("mqueue", "mqueue_size", 0)
            modparam("mqueue", "mqueue_addmode", 2)
            modparam("mqueue", "mqueue_name", "g0a2")
            modparam("mqueue", "mqueue", "NAME=Up;SIZE=2;ADDMODE=1")
            modparam("mqueue", "mqueue", "name=up;Size=3;AddMode=2;")
            modparam("mqueue", "mqueue", "name = sp ; size = 2 ; addmode = 0 ;")
            modparam("mqueue", "mqueue", "name=sp2; size =2;addmode= 1")
            modparam("mqueue", "mqueue", "name='q x';size=2")
            modparam("mqueue", "mqueue", "name=\\"q=y\\";addmode=2")
            modparam("mqueue", "mqueue", "name=\\"q; x\\"")
            modparam("mqueue", "mqueue_name", "with spaces")
            modparam("mqueue", "mqueue_name", "name=n,size=1")
            modparam("mqueue", "mqueue", "name=plain")
            """;

    /**
     * Adds that tell the definitions apart: each queue gets more items than a size-2 limit, repeated keys for the
     * addmodes; the globals in force at each {@code mqueue_name} line, and only there, must show. Names are exact:
     * {@code UP} and {@code Plain} are no queues, {@code Up} and {@code up} are two.
     */
    static final List<Add> ADDS = SippAdds.adds(
            "g0;a;1", "g0;b;2", "g0;c;3", "g0;a;4",
            "g2;a;1", "g2;b;2", "g2;c;3",
            "g2a1;k;1", "g2a1;k;2", "g2a1;j;3", "g2a1;l;4",
            "g0a2;k;1", "g0a2;j;2", "g0a2;k;3", "g0a2;m;4",
            "Up;k1;1", "Up;k1;2", "Up;k2;3", "Up;k3;4",
            "up;k1;1", "up;k2;2", "up;k1;3", "up;k3;4", "up;k4;5",
            "sp;a;1", "sp;b;2", "sp;c;3",
            "sp2;a;1", "sp2;a;2", "sp2;b;3", "sp2;c;4",
            "q x;a;1", "q x;b;2", "q x;c;3",
            "q=y;a;1", "q=y;a;2",
            "with spaces;a;1", "with spaces;b;2", "with spaces;c;3",
            "name=n,size=1;a;1",
            "plain;a;x y", "plain;b;$ci", "plain;c;'\"\\",
            "UP;k;lost", "Plain;k;lost", "nope;k;lost");

    @TempDir
    static Path dir;

    @BeforeAll
    static void requirePeers() {
        SippAdds.requireInstalled();
        KamailioProcess.requireInstalled(dir);
    }

    @Test
    void sameDefinitionLinesAndSameAddsGiveTheSameQueuesInBoth() {
        JsonNode kamailioSizes;
        Map<String, JsonNode> kamailioItems;
        try (KamailioProcess kamailio = KamailioProcess.start(dir, DEFINITIONS)) {
            SippAdds.send(dir, kamailio.sipPort(), ADDS);
            kamailioSizes = kamailio.getSizes();
            kamailioItems = items(kamailio, kamailioSizes);
        }
        JsonNode sipmqSizes;
        Map<String, JsonNode> sipmqItems;
        try (SipmqPeer sipmq = SipmqPeer.start(DEFINITIONS)) {
            SippAdds.send(dir, sipmq.sipPort(), ADDS);
            sipmqSizes = sipmq.getSizes();
            sipmqItems = items(sipmq, sipmqSizes);
        }

        assertThat(sipmqSizes).as("mqueue.get_sizes, sipmq vs Kamailio").isEqualTo(kamailioSizes);
        assertThat(sipmqItems).as("every queue's items through mqueue.fetch, sipmq vs Kamailio")
                .isEqualTo(kamailioItems);
        // And what Kamailio answered is what the definitions mean (so that both cannot be wrong the same way).
        assertThat(kamailioSizes.toString()).isEqualTo("[{\"name\":\"plain\",\"size\":3},"
                + "{\"name\":\"name=n,size=1\",\"size\":1},{\"name\":\"with spaces\",\"size\":3},"
                + "{\"name\":\"q; x\",\"size\":0},{\"name\":\"q=y\",\"size\":1},{\"name\":\"q x\",\"size\":2},{\"name\":\"sp2\",\"size\":2},"
                + "{\"name\":\"sp\",\"size\":2},{\"name\":\"up\",\"size\":3},{\"name\":\"Up\",\"size\":2},"
                + "{\"name\":\"g0a2\",\"size\":3},{\"name\":\"g2a1\",\"size\":2},{\"name\":\"g2\",\"size\":2},"
                + "{\"name\":\"g0\",\"size\":4}]");
        assertThat(kamailioItems.get("up").toString())
                .isEqualTo(
                        "[{\"key\":\"k1\",\"val\":\"3\"},{\"key\":\"k3\",\"val\":\"4\"},{\"key\":\"k4\",\"val\":\"5\"}]");
        assertThat(kamailioItems.get("g2a1").toString())
                .isEqualTo("[{\"key\":\"j\",\"val\":\"3\"},{\"key\":\"l\",\"val\":\"4\"}]");
    }

    /** Lines that stop start-up in Kamailio and in sipmq alike (each alone in a file). */
    static final List<String> REFUSED_BY_BOTH = List.of("name=a;;size=1", "size=1", "name=", "name=a;foo=1",
            "name=my queue");

    /**
     * Lines Kamailio takes (silently guessing) and sipmq refuses with an error naming the attribute: the stricter
     * definitions of docs/mqueue.md, each checked here against Kamailio itself.
     */
    static final List<String> REFUSED_BY_SIPMQ_ONLY = List.of("name=a;size=abc", "name=a;size=3x", "name=a;size=-1",
            "name=a;addmode=3", "name=a;size=1;size=2", "name=a,size=1", "name=a;size");

    /** And one the other way: Kamailio refuses leading whitespace, sipmq trims it. */
    static final String LEADING_SPACE = "  name=a;size=1";

    @Test
    void linesKamailioRefusesStopSipmqTooAndTheStricterOnesAreTheDocumentedOnes() {
        List<String> wrong = new ArrayList<>();
        for (String line : REFUSED_BY_BOTH) {
            check(line, false, false, wrong);
        }
        for (String line : REFUSED_BY_SIPMQ_ONLY) {
            check(line, true, false, wrong);
        }
        check(LEADING_SPACE, false, true, wrong);
        // A name defined twice, by either kind of line.
        String twice = "modparam(\"mqueue\", \"mqueue\", \"name=a\")\nmodparam(\"mqueue\", \"mqueue_name\", \"a\")";
        checkLines(twice, false, false, wrong);
        assertThat(wrong).isEmpty();
    }

    private static void check(String definition, boolean kamailioStarts, boolean sipmqStarts, List<String> wrong) {
        checkLines("modparam(\"mqueue\", \"mqueue\", \"" + definition.replace("\"", "\\\"") + "\")", kamailioStarts,
                sipmqStarts, wrong);
    }

    private static void checkLines(String lines, boolean kamailioStarts, boolean sipmqStarts, List<String> wrong) {
        boolean kamailio = KamailioProcess.accepts(dir, lines);
        boolean sipmq;
        try {
            Sipmq.configure("interop.cfg", lines + "\n", new MQueueModule());
            sipmq = true;
        } catch (ConfigException e) {
            sipmq = false;
        }
        if (kamailio != kamailioStarts || sipmq != sipmqStarts) {
            wrong.add(lines + ": Kamailio " + (kamailio ? "starts" : "refuses") + ", sipmq "
                    + (sipmq ? "starts" : "refuses") + " (expected: Kamailio " + (kamailioStarts ? "starts" : "refuses")
                    + ", sipmq " + (sipmqStarts ? "starts" : "refuses") + ")");
        }
    }

    /** Every queue's items, by name, in get_sizes order. */
    private static Map<String, JsonNode> items(RpcPeer peer, JsonNode sizes) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode q : sizes) {
            out.put(q.get("name").asText(), peer.fetchAll(q.get("name").asText()));
        }
        return out;
    }
}
