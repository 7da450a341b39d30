package org.sipmq.mqueue.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipmq.mqueue.interop.SippAdds.Add;

/**
 * Database tables move over unchanged, both ways, through a real MariaDB and a real Kamailio 5.6 with
 * {@code db_mysql}: the table layout is the one Kamailio's {@code mqueue} reads and writes ({@code id} for the order,
 * {@code key}, {@code val}), and the same {@code db_url} line works in both. Each test works on a table of its own
 * ({@code mqueue_interop_<random>}), dropped afterwards.
 */
@Timeout(180)
class KamailioTablesIT {
    static final String JDBC_URL = System.getProperty("sipmq.test.mysql.url",
            "jdbc:mysql://127.0.0.1:3306/test?user=root&password=");
    /** The one {@code db_url} line both read; Kamailio's form, which sipmq takes as well. */
    static final String DB_URL = System.getProperty("sipmq.test.mysql.kamailio.url",
            "mysql://root:@127.0.0.1:3306/test");
    /** The operator's DDL of docs/persistence.md (Kamailio ships none for mqueue; its README shows this shape). */
    static final String DDL = "CREATE TABLE `%s` (id INT AUTO_INCREMENT PRIMARY KEY,"
            + " `key` VARCHAR(64) NOT NULL DEFAULT '', val VARCHAR(4096) NOT NULL DEFAULT '')"
            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    /** Repeated keys (addmode 0 keeps every one, in order) and text that SQL or a format could garble. */
    static final List<String[]> ITEMS = List.of(new String[]{"k1", "first"}, new String[]{"k2", "with spaces"},
            new String[]{"k1", "again k1"}, new String[]{"quote'", "it's \"quoted\""},
            new String[]{"back\\slash", "C:\\dir\\"}, new String[]{"pv", "$ci $var(x) %s"},
            new String[]{"sql", "x' OR '1'='1"}, new String[]{"utf8", "caf\u00e9 \u00fcber \u20ac"},
            new String[]{"k3", "last"});

    @TempDir
    static Path dir;

    private final List<String> tables = new ArrayList<>();

    @BeforeAll
    static void requirePeers() {
        try (Connection c = DriverManager.getConnection(JDBC_URL + "&connectTimeout=3000")) {
            c.isValid(3);
        } catch (SQLException e) {
            fail("MariaDB is not reachable at " + JDBC_URL.replaceFirst("\\?.*", "") + " (" + e.getMessage()
                    + "). These tests need it:"
                    + " start it with `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`,"
                    + " then `mysql -h127.0.0.1 -uroot -e 'CREATE DATABASE IF NOT EXISTS test'` (or run"
                    + " 'bash .ci/run'; -Dsipmq.test.mysql.url and -Dsipmq.test.mysql.kamailio.url point at another"
                    + " server)", e);
        }
        SippAdds.requireInstalled();
        KamailioProcess.requireInstalled(dir);
    }

    @AfterEach
    void dropTables() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String t : tables) {
                s.execute("DROP TABLE IF EXISTS `" + t + "`");
            }
        }
    }

    @Test
    void kamailioDbmode3SavesAtShutdownAndSipmqDbmode1LoadsExactlyThoseItemsInOrder() throws Exception {
        String t = newTable();
        insert(t, "old", "saved by an earlier run");
        List<Add> adds = in(t);

        try (KamailioProcess kamailio = KamailioProcess.start(dir, dbUrlLine() + definition(t, 3))) {
            SippAdds.send(dir, kamailio.sipPort(), adds);
            assertThat(kamailio.rpc(getSize(t)).result().get("size").asInt()).isEqualTo(adds.size());
            kamailio.stop(); // SIGTERM: dbmode 3 saves now
        }
        ArrayNode expected = items("old", "saved by an earlier run");
        adds.forEach(a -> expected.add(item(a.key(), a.value())));
        assertThat(rows(t)).as("rows Kamailio left (dbmode 3 appends, never clears)").isEqualTo(expected);

        try (SipmqPeer sipmq = SipmqPeer.start(dbUrlLine() + definition(t, 1))) {
            assertThat(rows(t)).as("dbmode 1 clears the table at start").isEmpty();
            assertThat(sipmq.fetchAll(t)).as("what sipmq loaded, through mqueue.fetch").isEqualTo(expected);
        }
        assertThat(rows(t)).as("nothing left to save").isEmpty();
    }

    @Test
    void sipmqDbmode1SavesAtStopAndKamailioDbmode2LoadsExactlyThoseItemsInOrder() throws Exception {
        String t = newTable();
        List<Add> adds = in(t);
        ArrayNode expected = JsonNodeFactory.instance.arrayNode();
        adds.forEach(a -> expected.add(item(a.key(), a.value())));

        try (SipmqPeer sipmq = SipmqPeer.start(dbUrlLine() + definition(t, 1))) {
            SippAdds.send(dir, sipmq.sipPort(), adds);
            assertThat(sipmq.rpc(getSize(t)).result().get("size").asInt()).isEqualTo(adds.size());
        } // graceful stop: dbmode 1 saves
        assertThat(rows(t)).as("rows sipmq saved").isEqualTo(expected);

        try (KamailioProcess kamailio = KamailioProcess.start(dir, dbUrlLine() + definition(t, 2))) {
            assertThat(rows(t)).as("Kamailio's dbmode 2 clears the table at start").isEmpty();
            assertThat(kamailio.fetchAll(t)).as("what Kamailio loaded, through its mqueue.fetch")
                    .isEqualTo(expected);
            SippAdds.send(dir, kamailio.sipPort(), List.of(new Add(t, "left", "behind")));
            kamailio.stop();
        }
        assertThat(rows(t)).as("dbmode 2 never saves, not even an item left in the queue").isEmpty();
    }

    @Test
    void loadingAppliesSizeAndAddmodeAsKamailiosLoadDoes() throws Exception {
        String[] rows = {"a", "1", "b", "2", "a", "3", "c", "4", "b", "5", "d", "6"};
        String t = newTable();
        for (int i = 0; i < rows.length; i += 2) {
            insert(t, rows[i], rows[i + 1]);
        }
        String line = dbUrlLine() + "modparam(\"mqueue\", \"mqueue\", \"name=" + t + ";size=3;addmode=2;dbmode=2\")";
        JsonNode kamailioLoaded;
        try (KamailioProcess kamailio = KamailioProcess.start(dir, line)) {
            kamailioLoaded = kamailio.fetchAll(t);
            kamailio.stop();
        }
        for (int i = 0; i < rows.length; i += 2) {
            insert(t, rows[i], rows[i + 1]);
        }
        JsonNode sipmqLoaded;
        try (SipmqPeer sipmq = SipmqPeer.start(line)) {
            sipmqLoaded = sipmq.fetchAll(t);
        }
        assertThat(sipmqLoaded).as("the same rows loaded by sipmq vs Kamailio").isEqualTo(kamailioLoaded);
        // addmode 2 moves a replaced key to the tail (b=2 goes when b=5 comes), size=3 drops the oldest (a=3 when d comes)
        assertThat(kamailioLoaded.toString())
                .isEqualTo(
                        "[{\"key\":\"c\",\"val\":\"4\"},{\"key\":\"b\",\"val\":\"5\"},{\"key\":\"d\",\"val\":\"6\"}]");
    }

    private static String dbUrlLine() {
        return "modparam(\"mqueue\", \"db_url\", \"" + DB_URL + "\")\n";
    }

    private static String definition(String table, int dbmode) {
        return "modparam(\"mqueue\", \"mqueue\", \"name=" + table + ";dbmode=" + dbmode + "\")\n";
    }

    private static String getSize(String queue) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"mqueue.get_size\",\"params\":[\"" + queue + "\"],\"id\":1}";
    }

    /** {@link #ITEMS} as adds into {@code queue}. */
    private static List<Add> in(String queue) {
        return ITEMS.stream().map(i -> new Add(queue, i[0], i[1])).toList();
    }

    private String newTable() throws SQLException {
        String name = "mqueue_interop_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(String.format(DDL, name));
        }
        tables.add(name);
        return name;
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(JDBC_URL);
    }

    private static void insert(String table, String key, String val) throws SQLException {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO `" + table + "` (`key`, val) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, val);
            ps.executeUpdate();
        }
    }

    /** The table's rows in {@code id} order, as {@code mqueue.fetch} would answer them. */
    private static ArrayNode rows(String table) throws SQLException {
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT `key`, val FROM `" + table + "` ORDER BY id")) {
            while (rs.next()) {
                rows.add(item(rs.getString(1), rs.getString(2)));
            }
        }
        return rows;
    }

    private static ArrayNode items(String key, String val) {
        return JsonNodeFactory.instance.arrayNode().add(item(key, val));
    }

    private static JsonNode item(String key, String val) {
        return JsonNodeFactory.instance.objectNode().put("key", key).put("val", val);
    }
}
