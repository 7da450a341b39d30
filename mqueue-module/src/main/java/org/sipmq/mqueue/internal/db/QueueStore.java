package org.sipmq.mqueue.internal.db;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.cursor.Cursor;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.sipmq.mqueue.MQueue;
import org.sipmq.mqueue.MQueueItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads queues from their tables and saves them back, through MyBatis. Stateless apart from the session factory. */
final class QueueStore {
    private static final Logger log = LoggerFactory.getLogger(QueueStore.class);
    static final int BATCH_SIZE = 1000;
    private static final int LOGGED_FAILURES_PER_QUEUE = 10;

    private final SqlSessionFactory sessions;
    private final DbUrl url;

    QueueStore(SqlSessionFactory sessions, DbUrl url) {
        this.sessions = sessions;
        this.url = url;
    }

    /**
     * What saving one queue did: how many items were saved, the items that were not (in queue order), and whether the
     * database could not be reached (so the rest was not tried).
     */
    record SaveResult(int saved, List<MQueueItem> unsaved, boolean connectionLost) {
        int failed() {
            return unsaved.size();
        }
    }

    /**
     * Checks that each queue's table exists with its three columns.
     *
     * @throws QueueStoreException naming the first queue whose table is unusable
     */
    void checkTables(List<MQueue> queues) {
        try (SqlSession session = sessions.openSession(true)) {
            QueueRowMapper mapper = session.getMapper(QueueRowMapper.class);
            for (MQueue q : queues) {
                try {
                    mapper.probe(TableNames.checked(q.name()));
                } catch (RuntimeException e) {
                    throw new QueueStoreException("mqueue '" + q.name() + "': table " + q.name() + " in " + url
                            + " is not usable: " + rootMessage(e) + " (expected: a table with columns id, key, val,"
                            + " created as docs/persistence.md shows)", e);
                }
            }
        }
    }

    /** Rows deleted per statement: the ids go into the SQL text, so a statement stays a few KB. */
    static final int DELETE_CHUNK = 1000;

    /**
     * Adds every row of each queue's table to the queue, in id order, through {@link MQueue#add} (so the size limit and
     * the addmode apply), then deletes exactly the loaded rows of every table, all in one transaction: a failure
     * anywhere rolls back every delete, leaving every table as it was.
     *
     * @return rows loaded per queue name
     * @throws QueueStoreException naming the queue, the table and the problem
     */
    Map<String, Integer> loadAndClear(List<MQueue> queues) {
        Map<String, Integer> loaded = new LinkedHashMap<>();
        Map<String, List<Long>> loadedIds = new LinkedHashMap<>();
        try (SqlSession session = sessions.openSession(ExecutorType.SIMPLE, false)) {
            QueueRowMapper mapper = session.getMapper(QueueRowMapper.class);
            for (MQueue q : queues) {
                String table = TableNames.checked(q.name());
                List<Long> ids = new ArrayList<>();
                try (Cursor<QueueRow> rows = mapper.selectAll(table)) {
                    for (QueueRow row : rows) {
                        if (row.key() == null || row.val() == null) {
                            throw new QueueStoreException("mqueue '" + q.name() + "': row id=" + row.id() + " of table "
                                    + table + " in " + url + " has a NULL " + (row.key() == null ? "key" : "val")
                                    + " (expected: strings, '' when empty); no table was changed");
                        }
                        q.add(row.key(), row.val());
                        ids.add(row.id());
                    }
                } catch (QueueStoreException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    throw new QueueStoreException("mqueue '" + q.name() + "': cannot load table " + table + " from "
                            + url + ": " + rootMessage(e) + "; no table was changed", e);
                }
                loaded.put(q.name(), ids.size());
                if (!ids.isEmpty()) {
                    loadedIds.put(table, ids);
                }
            }
            try {
                for (Map.Entry<String, List<Long>> e : loadedIds.entrySet()) {
                    List<Long> ids = e.getValue();
                    for (int from = 0; from < ids.size(); from += DELETE_CHUNK) {
                        mapper.deleteIds(e.getKey(), ids.subList(from, Math.min(ids.size(), from + DELETE_CHUNK)));
                    }
                }
                session.commit(true);
            } catch (RuntimeException e) {
                throw new QueueStoreException("cannot delete the loaded rows of tables " + loadedIds.keySet() + " in "
                        + url + ": " + rootMessage(e) + "; no table was changed", e);
            }
        }
        return loaded;
    }

    /** The longest key and value a table stores, in characters, as its column sizes say. */
    record ColumnLimits(int key, int val) {
    }

    /**
     * Reads the sizes of the {@code key} and {@code val} columns of a table ({@code VARCHAR(64)}: 64). A column with
     * no size the driver reports (a TEXT of the largest kind) counts as unlimited.
     *
     * @throws QueueStoreException naming the queue and the table
     */
    ColumnLimits columnLimits(String queue) {
        String table = TableNames.checked(queue);
        try (SqlSession session = sessions.openSession(true);
                Statement st = session.getConnection().createStatement();
                ResultSet rs = st.executeQuery("SELECT `key`, val FROM `" + table + "` WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            return new ColumnLimits(size(md.getPrecision(1)), size(md.getPrecision(2)));
        } catch (SQLException | RuntimeException e) {
            throw new QueueStoreException("mqueue '" + queue + "': cannot read the column sizes of table " + table
                    + " in " + url + ": " + rootMessage(e), e);
        }
    }

    private static int size(int precision) {
        return precision <= 0 ? Integer.MAX_VALUE : precision;
    }

    /**
     * Inserts the items in order, in transactions of {@link #BATCH_SIZE} JDBC-batched rows. A failed batch is retried
     * row by row so that one bad row loses only itself, and the save goes on with the next batch even when every row of
     * one failed; only a lost connection ends the save of this queue (the rest is counted as failed). Never throws.
     */
    SaveResult save(String queue, List<MQueueItem> items) {
        String table = TableNames.checked(queue);
        int saved = 0;
        List<MQueueItem> unsaved = new ArrayList<>();
        for (int from = 0; from < items.size(); from += BATCH_SIZE) {
            List<MQueueItem> batch = items.subList(from, Math.min(items.size(), from + BATCH_SIZE));
            RuntimeException batchError = insertBatch(table, batch);
            if (batchError == null) {
                saved += batch.size();
                continue;
            }
            if (isConnectionProblem(batchError)) {
                log.error("mqueue '{}': cannot reach the database {} to save: {}", queue, url, rootMessage(batchError));
                unsaved.addAll(items.subList(from, items.size()));
                return new SaveResult(saved, unsaved, true);
            }
            log.warn("mqueue '{}': batch insert of {} rows into {} failed ({}); retrying row by row", queue,
                    batch.size(), table, rootMessage(batchError));
            int batchSaved = 0;
            try (SqlSession session = sessions.openSession(ExecutorType.SIMPLE, true)) {
                QueueRowMapper mapper = session.getMapper(QueueRowMapper.class);
                for (int i = 0; i < batch.size(); i++) {
                    MQueueItem item = batch.get(i);
                    try {
                        mapper.insert(table, item.key(), item.value());
                        batchSaved++;
                    } catch (RuntimeException e) {
                        if (isConnectionProblem(e)) {
                            log.error("mqueue '{}': lost the database {} while saving: {}", queue, url,
                                    rootMessage(e));
                            unsaved.addAll(items.subList(from + i, items.size()));
                            return new SaveResult(saved + batchSaved, unsaved, true);
                        }
                        unsaved.add(item);
                        if (unsaved.size() <= LOGGED_FAILURES_PER_QUEUE) {
                            log.error("mqueue '{}': cannot save item (key '{}', {} chars of value) into {}: {}", queue,
                                    shortened(item.key()), item.value().length(), table, rootMessage(e));
                        }
                    }
                }
            }
            saved += batchSaved;
            if (batchSaved == 0) {
                // The database answered every row, so it is reachable: the next batch may well be fine.
                log.error("mqueue '{}': every row of the batch of items {} to {} failed; going on with the next batch",
                        queue, from + 1, from + batch.size());
            }
        }
        return new SaveResult(saved, unsaved, false);
    }

    /** A key as logged: a peer's 60 KB Call-ID is cut, not written whole into every line. */
    private static String shortened(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "... (" + s.length() + " chars)";
    }

    /** Inserts one batch in one transaction; returns the error, or null when committed. */
    private RuntimeException insertBatch(String table, List<MQueueItem> batch) {
        try (SqlSession session = sessions.openSession(ExecutorType.BATCH, false)) {
            try {
                QueueRowMapper mapper = session.getMapper(QueueRowMapper.class);
                for (MQueueItem item : batch) {
                    mapper.insert(table, item.key(), item.value());
                }
                session.flushStatements();
                session.commit(true);
                return null;
            } catch (RuntimeException e) {
                try {
                    session.rollback(true);
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
                return e;
            }
        } catch (RuntimeException e) {
            return e; // opening or closing the session (no connection at all)
        }
    }

    /** True when the cause is the connection (server down, pool timeout), not the statement. */
    static boolean isConnectionProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** The message of the deepest SQL exception (MyBatis wraps it in several lines of context), else the root's. */
    static String rootMessage(Throwable e) {
        String sqlMessage = null;
        Throwable last = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException && t.getMessage() != null) {
                sqlMessage = t.getMessage();
            }
            last = t;
        }
        String message = sqlMessage != null ? sqlMessage : last.getMessage();
        if (message == null) {
            message = last.getClass().getSimpleName();
        } else if (sqlMessage != null && !(last instanceof SQLException) && last.getMessage() != null) {
            message += " (" + last.getMessage() + ")"; // such as "Connection refused"
        }
        return message.strip().replaceAll("\\s*\\n\\s*", " ");
    }
}
