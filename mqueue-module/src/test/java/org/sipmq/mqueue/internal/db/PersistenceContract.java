package org.sipmq.mqueue.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueDefinition;
import org.sipmq.mqueue.MQueueItem;
import org.sipmq.mqueue.MQueueItemTooLargeException;
import org.sipmq.mqueue.MQueues;
import org.sipmq.mqueue.internal.QueueLimits;
import org.sipmq.proxy.Lifecycle;
import org.sipmq.proxy.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistence behaviour (spec §4), run against each real database by a subclass. Every test works on its own,
 * uniquely named tables and drops them afterwards.
 */
abstract class PersistenceContract {
    private static final Logger log = LoggerFactory.getLogger(PersistenceContract.class);
    /** The operator's DDL of docs/persistence.md, table name unquoted. */
    static final String DDL = "CREATE TABLE %s (id INT AUTO_INCREMENT PRIMARY KEY,"
            + " `key` VARCHAR(64) NOT NULL DEFAULT '', val VARCHAR(4096) NOT NULL DEFAULT '')";

    private final List<String> tables = new ArrayList<>();

    /** The spool directory of every run of one test, so that a second run finds what the first spooled. */
    @TempDir
    Path spoolDir;

    /** The db_url the proxy under test is given. */
    abstract String dbUrl();

    /** A plain JDBC connection to the same database, for setting up and checking tables. */
    abstract Connection connect() throws SQLException;

    /** A db_url where nothing listens. */
    abstract String unreachableUrl();

    /** A database that the test can take down; its tables are created through {@link Downable#connect()}. */
    abstract Downable downable() throws Exception;

    interface Downable {
        String dbUrl();

        Connection connect() throws SQLException;

        /** Closes every connection and refuses new ones. Idempotent. */
        void takeDown() throws IOException;

        /** Serves again, with every table as it was. */
        void restore() throws Exception;
    }

    /** One run of the proxy's persistence: the queues, the database and the persistence service, in a lifecycle. */
    record Run(MQueues queues, Lifecycle lifecycle, QueuePersistence persistence) {
        MQueue queue(String name) {
            return queues.queue(name);
        }
    }

    Run start(String dbUrl, MQueueDefinition... definitions) {
        return start(dbUrl, TestQueues.create(definitions), List.of());
    }

    /** A run on these queues, with more services (such as one that fails to start after the load). */
    Run start(String dbUrl, MQueues queues, List<Service> more) {
        QueueDatabase database = new QueueDatabase(DbUrl.parse(dbUrl));
        QueuePersistence persistence = new QueuePersistence(database, queues, spool());
        Set<Service> services = new HashSet<>(more);
        services.add(database);
        services.add(persistence);
        Lifecycle lifecycle = new Lifecycle(services);
        lifecycle.start();
        return new Run(queues, lifecycle, persistence);
    }

    QueueSpool spool() {
        return new QueueSpool(spoolDir);
    }

    Run start(MQueueDefinition... definitions) {
        return start(dbUrl(), definitions);
    }

    String newTable() throws SQLException {
        return newTable(this::connect);
    }

    String newTable(ConnectionSource source) throws SQLException {
        String name = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(source, String.format(Locale.ROOT, DDL, name));
        tables.add(name);
        return name;
    }

    /** A table name quoted for the test's own SQL (backticks work in MySQL, MariaDB and H2 alike). */
    static String quoted(String table) {
        return "`" + table + "`";
    }

    interface ConnectionSource {
        Connection get() throws SQLException;
    }

    @AfterEach
    void dropTables() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String t : tables) {
                s.execute("DROP TABLE IF EXISTS " + quoted(t));
            }
        }
    }

    void execute(String sql) throws SQLException {
        execute(this::connect, sql);
    }

    static void execute(ConnectionSource source, String sql) throws SQLException {
        try (Connection c = source.get(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Inserts rows as Kamailio does: plain SQL, id left to the database. */
    void insertRows(String table, String... keysAndValues) throws SQLException {
        try (Connection c = connect();
                PreparedStatement ps = c
                        .prepareStatement("INSERT INTO " + quoted(table) + " (`key`, val) VALUES (?, ?)")) {
            for (int i = 0; i < keysAndValues.length; i += 2) {
                ps.setString(1, keysAndValues[i]);
                ps.setString(2, keysAndValues[i + 1]);
                ps.executeUpdate();
            }
        }
    }

    List<MQueueItem> rows(String table) throws SQLException {
        return rows(this::connect, table);
    }

    void insertRows(ConnectionSource source, String table, String... keysAndValues) throws SQLException {
        try (Connection c = source.get();
                PreparedStatement ps = c
                        .prepareStatement("INSERT INTO " + quoted(table) + " (`key`, val) VALUES (?, ?)")) {
            for (int i = 0; i < keysAndValues.length; i += 2) {
                ps.setString(1, keysAndValues[i]);
                ps.setString(2, keysAndValues[i + 1]);
                ps.executeUpdate();
            }
        }
    }

    static List<MQueueItem> rows(ConnectionSource source, String table) throws SQLException {
        List<MQueueItem> rows = new ArrayList<>();
        try (Connection c = source.get();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT `key`, val FROM " + quoted(table) + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(new MQueueItem(rs.getString(1), rs.getString(2)));
            }
        }
        return rows;
    }

    int count(String table) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + quoted(table))) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static List<MQueueItem> items(String... keysAndValues) {
        List<MQueueItem> items = new ArrayList<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            items.add(new MQueueItem(keysAndValues[i], keysAndValues[i + 1]));
        }
        return items;
    }

    static List<MQueueItem> contents(MQueue q) {
        List<MQueueItem> all = q.drainAll();
        all.forEach(i -> q.add(i.key(), i.value()));
        return all;
    }

    static MQueueDefinition def(String name, int size, int addmode, int dbmode) {
        return new MQueueDefinition(name, size, addmode, dbmode);
    }

    @Test
    void dbmode1SavesAtStopThenLoadsAndClearsAtStart() throws Exception {
        String t = newTable();
        Run first = start(def(t, 0, 0, 1));
        first.queue(t).add("k1", "v1");
        first.queue(t).add("k2", "v2");
        first.lifecycle().stop();

        assertThat(rows(t)).containsExactlyElementsOf(items("k1", "v1", "k2", "v2"));

        Run second = start(def(t, 0, 0, 1));
        assertThat(contents(second.queue(t))).containsExactlyElementsOf(items("k1", "v1", "k2", "v2"));
        assertThat(rows(t)).isEmpty();
        second.lifecycle().stop();
        assertThat(rows(t)).containsExactlyElementsOf(items("k1", "v1", "k2", "v2"));
    }

    @Test
    void dbmode2LoadsAndClearsButNeverSaves() throws Exception {
        String t = newTable();
        insertRows(t, "a", "1", "b", "2");

        Run run = start(def(t, 0, 0, 2));
        assertThat(contents(run.queue(t))).containsExactlyElementsOf(items("a", "1", "b", "2"));
        assertThat(rows(t)).isEmpty();
        run.queue(t).add("c", "3");
        run.lifecycle().stop();

        assertThat(rows(t)).isEmpty();
    }

    @Test
    void dbmode3NeverLoadsNorClearsAndAppendsAtStop() throws Exception {
        String t = newTable();
        insertRows(t, "old", "0");

        Run run = start(def(t, 0, 0, 3));
        assertThat(run.queue(t).size()).isZero();
        assertThat(rows(t)).containsExactlyElementsOf(items("old", "0"));
        run.queue(t).add("new", "1");
        run.lifecycle().stop();

        assertThat(rows(t)).containsExactlyElementsOf(items("old", "0", "new", "1"));
    }

    @Test
    void dbmode0QueueNeverTouchesItsTable() throws Exception {
        String t = newTable();
        String saved = newTable();
        insertRows(t, "row", "1");

        Run run = start(def(t, 0, 0, 0), def(saved, 0, 0, 1));
        assertThat(run.queue(t).size()).isZero();
        run.queue(t).add("memory", "only");
        run.lifecycle().stop();

        assertThat(rows(t)).containsExactlyElementsOf(items("row", "1"));
    }

    @Test
    void fifoOrderSurvivesRestarts() throws Exception {
        String t = newTable();
        Run run = start(def(t, 0, 2, 1));
        run.queue(t).add("a", "1");
        run.queue(t).add("b", "1");
        run.queue(t).add("c", "1");
        run.lifecycle().stop();

        run = start(def(t, 0, 2, 1));
        run.queue(t).add("a", "2"); // addmode 2: the replaced key moves to the tail
        run.queue(t).add("d", "2");
        run.lifecycle().stop();

        run = start(def(t, 0, 2, 1));
        assertThat(contents(run.queue(t))).containsExactlyElementsOf(items("b", "1", "c", "1", "a", "2", "d", "2"));
        run.lifecycle().stop();
        assertThat(rows(t)).containsExactlyElementsOf(items("b", "1", "c", "1", "a", "2", "d", "2"));
    }

    @Test
    void sizeLimitAppliesOnLoad() throws Exception {
        String t = newTable();
        insertRows(t, "a", "1", "b", "2", "c", "3");

        Run run = start(def(t, 2, 0, 2));

        assertThat(contents(run.queue(t))).containsExactlyElementsOf(items("b", "2", "c", "3"));
        run.lifecycle().stop();
    }

    @Test
    void addmodesApplyOnLoad() throws Exception {
        String keepOldest = newTable();
        String keepNewest = newTable();
        insertRows(keepOldest, "k", "first", "x", "1", "k", "second");
        insertRows(keepNewest, "k", "first", "x", "1", "k", "second");

        Run run = start(def(keepOldest, 0, 1, 2), def(keepNewest, 0, 2, 2));

        assertThat(contents(run.queue(keepOldest))).containsExactlyElementsOf(items("k", "first", "x", "1"));
        assertThat(contents(run.queue(keepNewest))).containsExactlyElementsOf(items("x", "1", "k", "second"));
        run.lifecycle().stop();
    }

    @Test
    void nullColumnStopsStartUpAndLeavesEveryTableAsItWas() throws Exception {
        String good = newTable();
        String bad = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE TABLE " + bad + " (id INT AUTO_INCREMENT PRIMARY KEY, `key` VARCHAR(64), val VARCHAR(64))");
        tables.add(bad);
        insertRows(good, "g", "1");
        execute("INSERT INTO " + bad + " (`key`, val) VALUES ('a', '1')");
        execute("INSERT INTO " + bad + " (`key`, val) VALUES (NULL, '2')");

        assertThatThrownBy(() -> start(def(good, 0, 0, 1), def(bad, 0, 0, 1)))
                .isInstanceOf(Lifecycle.ServiceStartException.class)
                .hasMessageContaining("mqueue '" + bad + "'")
                .hasMessageContaining("has a NULL key")
                .hasMessageContaining("no table was changed");

        assertThat(rows(good)).containsExactlyElementsOf(items("g", "1"));
        assertThat(count(bad)).isEqualTo(2);
    }

    @Test
    void nullValueStopsStartUp() throws Exception {
        String bad = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE TABLE " + bad + " (id INT AUTO_INCREMENT PRIMARY KEY, `key` VARCHAR(64), val VARCHAR(64))");
        tables.add(bad);
        execute("INSERT INTO " + bad + " (`key`, val) VALUES ('a', NULL)");

        assertThatThrownBy(() -> start(def(bad, 0, 0, 2))).hasMessageContaining("has a NULL val");
        assertThat(count(bad)).isEqualTo(1);
    }

    @Test
    void missingTableStopsStartUpNamingQueueAndTable() throws Exception {
        String good = newTable();
        insertRows(good, "g", "1");
        String missing = "it_missing_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

        assertThatThrownBy(() -> start(def(good, 0, 0, 1), def(missing, 0, 0, 1)))
                .hasMessageContaining("mqueue '" + missing + "': cannot load table " + missing);
        assertThat(rows(good)).containsExactlyElementsOf(items("g", "1"));
    }

    @Test
    void missingTableOfASaveOnlyQueueStopsStartUp() {
        String missing = "it_missing_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

        assertThatThrownBy(() -> start(def(missing, 0, 0, 3)))
                .hasMessageContaining("mqueue '" + missing + "': table " + missing)
                .hasMessageContaining("is not usable");
    }

    @Test
    void emptyKeysAndValuesAreStoredAsEmptyStrings() throws Exception {
        String t = newTable();
        Run run = start(def(t, 0, 0, 1));
        run.queue(t).add("", "");
        run.queue(t).add("k", "");
        run.queue(t).add("", "v");
        run.lifecycle().stop();

        assertThat(rows(t)).containsExactlyElementsOf(items("", "", "k", "", "", "v"));
        run = start(def(t, 0, 0, 1));
        assertThat(contents(run.queue(t))).containsExactlyElementsOf(items("", "", "k", "", "", "v"));
        run.lifecycle().stop();
    }

    /** SQL reserved words: MySQL's call, order, group, key; H2's user and value (and the others too). */
    static final List<String> RESERVED_NAMES = List.of("call", "order", "group", "key", "user", "value");

    /**
     * Fixed names (a reserved word cannot be made unique), so any leftover of an earlier run is dropped first. The
     * tables are created quoted, as an operator must for such a name.
     */
    String reservedTable(String name) throws SQLException {
        execute("DROP TABLE IF EXISTS " + quoted(name));
        execute(String.format(Locale.ROOT, DDL, quoted(name)));
        tables.add(name);
        return name;
    }

    @Test
    void queuesNamedAsReservedWordsLoadAndSave() throws Exception {
        List<MQueueDefinition> definitions = new ArrayList<>();
        for (String name : RESERVED_NAMES) {
            reservedTable(name);
            insertRows(name, "old-" + name, "1");
            // value is save-only (dbmode 3): its table is only probed at start.
            definitions.add(def(name, 0, 0, name.equals("value") ? 3 : 1));
        }

        Run run = start(definitions.toArray(MQueueDefinition[]::new));
        for (String name : RESERVED_NAMES) {
            List<MQueueItem> expected = name.equals("value") ? List.of() : items("old-" + name, "1");
            assertThat(contents(run.queue(name))).as(name).containsExactlyElementsOf(expected);
            run.queue(name).add("new-" + name, "2");
        }
        run.lifecycle().stop();

        assertThat(run.persistence().lastSave()).isEqualTo(new QueuePersistence.Summary(11, 0, 0));
        for (String name : RESERVED_NAMES) {
            assertThat(rows(name)).as(name).containsExactlyElementsOf(name.equals("value")
                    ? items("old-value", "1", "new-value", "2")
                    : items("old-" + name, "1", "new-" + name, "2"));
        }
    }

    @Test
    void anItemLongerThanItsColumnIsRefusedWhenAddedSoTheStopLosesNothing() throws Exception {
        String t = newTable();
        Run run = start(def(t, 0, 0, 1));
        run.queue(t).add("a", "1");
        assertThat(run.queues().mq_add(t, "k".repeat(65), "longer than the key column")).as("VARCHAR(64) key")
                .isEqualTo(MQueues.MQ_ADD_TOO_LARGE);
        assertThatThrownBy(() -> run.queue(t).add("k", "v".repeat(4097))).as("VARCHAR(4096) val")
                .isInstanceOf(MQueueItemTooLargeException.class)
                .hasMessageContaining("value of 4097 characters refused (expected: at most 4096");
        assertThat(run.queues().mq_add(t, "k".repeat(64), "v".repeat(4096))).as("as long as the columns")
                .isEqualTo(1);
        run.lifecycle().stop();

        assertThat(rows(t)).containsExactlyElementsOf(items("a", "1", "k".repeat(64), "v".repeat(4096)));
        assertThat(run.queue(t).stats().refused()).isEqualTo(2);
        assertThat(run.persistence().lastSave()).isEqualTo(new QueuePersistence.Summary(2, 0, 0));
    }

    /**
     * A table changed under the running proxy (a column made shorter after start) refuses rows at stop: those go to
     * the spool, the others to the table, and the next start queues the spooled ones before the table's.
     */
    @Test
    void rowsTheTableRefusesAtStopGoToTheSpoolAndTheNextStartQueuesThemFirst() throws Exception {
        int n = 2 * QueueStore.BATCH_SIZE + 500;
        String t = newTable();
        Run run = start(def(t, 0, 0, 1));
        QueueLimits.limit(run.queue(t), Integer.MAX_VALUE, Integer.MAX_VALUE); // as if the column had been wider
        List<MQueueItem> good = new ArrayList<>();
        List<MQueueItem> bad = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // Too long for the key column (VARCHAR(64)): one row of the first batch, the whole second batch, one row of
            // the third.
            boolean tooLong = i == 5 || (i >= QueueStore.BATCH_SIZE && i < 2 * QueueStore.BATCH_SIZE) || i == n - 10;
            String key = tooLong ? "k".repeat(65) + i : "k" + i;
            run.queue(t).add(key, "v" + i);
            (tooLong ? bad : good).add(new MQueueItem(key, "v" + i));
        }
        run.lifecycle().stop();

        assertThat(run.persistence().lastSave()).isEqualTo(
                new QueuePersistence.Summary(n - QueueStore.BATCH_SIZE - 2, QueueStore.BATCH_SIZE + 2, 0));
        assertThat(rows(t)).containsExactlyElementsOf(good);
        assertThat(spool().read(t)).containsExactlyElementsOf(bad);

        Run next = start(def(t, 0, 0, 1));
        List<MQueueItem> expected = new ArrayList<>(bad);
        expected.addAll(good);
        assertThat(next.queue(t).drainAll()).containsExactlyElementsOf(expected);
        assertThat(rows(t)).isEmpty();
        assertThat(spool().file(t)).doesNotExist();
        next.lifecycle().stop();
    }

    /** A dbmode 2 queue's rows are deleted at load; when the application then fails to start, they are put back. */
    @Test
    void loadedItemsArePutBackWhenALaterServiceFailsToStart() throws Exception {
        String loadOnly = newTable();
        String saved = newTable();
        insertRows(loadOnly, "a", "1", "b", "2");
        insertRows(saved, "c", "3");
        MQueues queues = TestQueues.create(def(loadOnly, 0, 0, 2), def(saved, 0, 0, 1));
        Service failing = new Service() {
            @Override
            public String name() {
                return "sip-transport";
            }

            @Override
            public Phase phase() {
                return Phase.TRANSPORT;
            }

            @Override
            public void start() {
                throw new IllegalStateException("port 5060 in use");
            }

            @Override
            public void stop() {
            }
        };

        assertThatThrownBy(() -> start(dbUrl(), queues, List.of(failing)))
                .isInstanceOf(Lifecycle.ServiceStartException.class).hasMessageContaining("port 5060 in use");

        assertThat(rows(loadOnly)).as("dbmode 2 table").containsExactlyElementsOf(items("a", "1", "b", "2"));
        assertThat(rows(saved)).as("dbmode 1 table").containsExactlyElementsOf(items("c", "3"));
        Run next = start(def(loadOnly, 0, 0, 2));
        assertThat(next.queue(loadOnly).drainAll()).containsExactlyElementsOf(items("a", "1", "b", "2"));
        next.lifecycle().stop();
    }

    @Test
    void aStartThatCompletedNeverSavesADbmode2Queue() throws Exception {
        String t = newTable();
        insertRows(t, "a", "1");
        Run run = start(def(t, 0, 0, 2));
        run.lifecycle().stop();

        assertThat(rows(t)).isEmpty();
        assertThat(run.persistence().lastSave()).isEqualTo(new QueuePersistence.Summary(0, 0, 0));
    }

    @Test
    void databaseDownAtStartStopsStartUpNamingTheDatabase() throws Exception {
        String t = newTable();

        assertThatThrownBy(() -> start(unreachableUrl(), def(t, 0, 0, 1)))
                .isInstanceOf(Lifecycle.ServiceStartException.class)
                .hasMessageContaining("service 'mqueue-db' failed to start: cannot connect to the mqueue database at "
                        + DbUrl.parse(unreachableUrl()).target());
    }

    /**
     * The database lost before a graceful stop: the dbmode 1 queue goes to its spool file (Kamailio loses it), and the
     * next start queues the spooled items before the rows inserted in the table meanwhile.
     */
    @Test
    void databaseDownAtStopSpoolsTheQueueAndTheNextStartLoadsTheSpoolBeforeTheTable() throws Exception {
        Downable db = downable();
        try {
            String t = newTable(db::connect);
            Run run = start(db.dbUrl(), def(t, 0, 0, 1));
            run.queue(t).add("a", "1");
            run.queue(t).add("b", "line\nbreak, 'quotes', caf\u00e9 \u20ac");
            db.takeDown();

            run.lifecycle().stop();

            assertThat(run.persistence().lastSave()).isEqualTo(new QueuePersistence.Summary(0, 2, 0));
            assertThat(spool().file(t)).exists();
            db.restore();
            insertRows(db::connect, t, "c", "3");
            Run next = start(db.dbUrl(), def(t, 0, 0, 1));
            assertThat(contents(next.queue(t))).containsExactlyElementsOf(
                    items("a", "1", "b", "line\nbreak, 'quotes', caf\u00e9 \u20ac", "c", "3"));
            assertThat(rows(db::connect, t)).isEmpty();
            assertThat(spool().file(t)).doesNotExist();
            next.lifecycle().stop();
            assertThat(rows(db::connect, t)).hasSize(3);
        } finally {
            db.takeDown();
        }
    }

    /**
     * The database down at start: the error names it, nothing is queued, the spool file and the table stay as they
     * were, and a start once it is back loads both.
     */
    @Test
    void databaseDownAtStartNamesItAndLeavesTheSpoolAndTheTableForTheNextStart() throws Exception {
        Downable db = downable();
        try {
            String t = newTable(db::connect);
            insertRows(db::connect, t, "row", "1");
            spool().append(t, items("spooled", "0"));
            db.takeDown();
            MQueues queues = TestQueues.create(def(t, 0, 0, 1));

            assertThatThrownBy(() -> start(db.dbUrl(), queues, List.of()))
                    .isInstanceOf(Lifecycle.ServiceStartException.class)
                    .hasMessageContaining("cannot connect to the mqueue database at "
                            + DbUrl.parse(db.dbUrl()).target())
                    .hasMessageContaining("db_url " + DbUrl.parse(db.dbUrl()));

            assertThat(queues.queue(t).size()).as("nothing half-loaded").isZero();
            assertThat(spool().read(t)).containsExactlyElementsOf(items("spooled", "0"));
            db.restore();
            assertThat(rows(db::connect, t)).containsExactlyElementsOf(items("row", "1"));
            Run next = start(db.dbUrl(), def(t, 0, 0, 1));
            assertThat(next.queue(t).drainAll()).containsExactlyElementsOf(items("spooled", "0", "row", "1"));
            next.lifecycle().stop();
        } finally {
            db.takeDown();
        }
    }

    /** A load that fails part way (the second table is missing) leaves no queue half-loaded and keeps the spool. */
    @Test
    void aLoadThatFailsPartWayEmptiesTheQueuesAndKeepsTablesAndSpool() throws Exception {
        String good = newTable();
        insertRows(good, "g", "1");
        spool().append(good, items("s", "0"));
        String missing = "it_missing_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        MQueues queues = TestQueues.create(def(good, 0, 0, 1), def(missing, 0, 0, 1));

        assertThatThrownBy(() -> start(dbUrl(), queues, List.of()))
                .hasMessageContaining("cannot load table " + missing);

        assertThat(queues.queue(good).size()).as("nothing half-loaded").isZero();
        assertThat(rows(good)).containsExactlyElementsOf(items("g", "1"));
        assertThat(spool().read(good)).containsExactlyElementsOf(items("s", "0"));
    }

    @Test
    void aSpoolFileCutShortStopsStartUpNamingItAndChangesNoTable() throws Exception {
        String t = newTable();
        insertRows(t, "g", "1");
        spool().append(t, items("s", "0"));
        Path file = spool().file(t);
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 4)); // the end mark is gone

        assertThatThrownBy(() -> start(def(t, 0, 0, 1))).hasMessageContaining("mqueue spool file " + file)
                .hasMessageContaining("is cut short");
        assertThat(rows(t)).containsExactlyElementsOf(items("g", "1"));
    }

    @Test
    void tableWrittenByKamailioLoadsAndOursReadsBackInIdOrder() throws Exception {
        String t = newTable();
        execute("INSERT INTO " + t + " (`key`, val) VALUES ('call-1', 'INVITE sip:a@b'), ('call-2', ''),"
                + " ('call-3', 'BYE sip:c@d')");

        Run run = start(def(t, 0, 0, 1));
        assertThat(contents(run.queue(t))).containsExactlyElementsOf(
                items("call-1", "INVITE sip:a@b", "call-2", "", "call-3", "BYE sip:c@d"));
        run.queue(t).poll();
        run.queue(t).add("call-4", "ACK");
        run.lifecycle().stop();

        assertThat(rows(t)).containsExactlyElementsOf(
                items("call-2", "", "call-3", "BYE sip:c@d", "call-4", "ACK"));
    }

    @Test
    void hundredThousandItemsAreSavedAndLoadedInOrder() throws Exception {
        int n = 100_000;
        String t = newTable();
        Run run = start(def(t, 0, 0, 1));
        for (int i = 0; i < n; i++) {
            run.queue(t).add("key-" + i, "value of item " + i + " with some text to make a realistic row");
        }
        long saveStart = System.nanoTime();
        run.lifecycle().stop();
        long saveMillis = (System.nanoTime() - saveStart) / 1_000_000;

        assertThat(run.persistence().lastSave()).isEqualTo(new QueuePersistence.Summary(n, 0, 0));
        long loadStart = System.nanoTime();
        run = start(def(t, 0, 0, 1));
        long loadMillis = (System.nanoTime() - loadStart) / 1_000_000;
        List<MQueueItem> loaded = run.queue(t).drainAll();
        run.lifecycle().stop();

        assertThat(loaded).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(loaded.get(i).key()).isEqualTo("key-" + i);
        }
        log.info("BENCHMARK {}: {} items saved in {} ms, loaded (and table cleared) in {} ms",
                getClass().getSimpleName(),
                n, saveMillis, loadMillis);
    }
}
