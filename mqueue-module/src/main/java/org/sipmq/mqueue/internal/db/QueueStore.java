package org.sipmq.mqueue.internal.db;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
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

    /** What saving one queue did. {@code connectionLost}: the database could not be reached, so the rest was lost. */
    record SaveResult(int saved, int failed, boolean connectionLost) {
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

    /**
     * Adds every row of each queue's table to the queue, in id order, through {@link MQueue#add} (so the size limit and
     * the addmode apply), then deletes the loaded rows of every table, all in one transaction: a failure anywhere rolls
     * back every delete, leaving every table as it was.
     *
     * @return rows loaded per queue name
     * @throws QueueStoreException naming the queue, the table and the problem
     */
    Map<String, Integer> loadAndClear(List<MQueue> queues) {
        Map<String, Integer> loaded = new LinkedHashMap<>();
        Map<String, Long> maxIds = new LinkedHashMap<>();
        try (SqlSession session = sessions.openSession(ExecutorType.SIMPLE, false)) {
            QueueRowMapper mapper = session.getMapper(QueueRowMapper.class);
            for (MQueue q : queues) {
                String table = TableNames.checked(q.name());
                int count = 0;
                long maxId = Long.MIN_VALUE;
                try (Cursor<QueueRow> rows = mapper.selectAll(table)) {
                    for (QueueRow row : rows) {
                        if (row.key() == null || row.val() == null) {
                            throw new QueueStoreException("mqueue '" + q.name() + "': row id=" + row.id() + " of table "
                                    + table + " in " + url + " has a NULL " + (row.key() == null ? "key" : "val")
                                    + " (expected: strings, '' when empty); no table was changed");
                        }
                        q.add(row.key(), row.val());
                        maxId = Math.max(maxId, row.id());
                        count++;
                    }
                } catch (QueueStoreException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    throw new QueueStoreException("mqueue '" + q.name() + "': cannot load table " + table + " from "
                            + url + ": " + rootMessage(e) + "; no table was changed", e);
                }
                loaded.put(q.name(), count);
                if (count > 0) {
                    maxIds.put(table, maxId);
                }
            }
            try {
                maxIds.forEach(mapper::deleteUpTo);
                session.commit(true);
            } catch (RuntimeException e) {
                throw new QueueStoreException("cannot delete the loaded rows of tables " + maxIds.keySet() + " in "
                        + url + ": " + rootMessage(e) + "; no table was changed", e);
            }
        }
        return loaded;
    }

    /**
     * Inserts the items in order, in transactions of {@link #BATCH_SIZE} JDBC-batched rows. A failed batch is retried
     * row by row so that one bad row loses only itself, and the save goes on with the next batch even when every row of
     * one failed; only a lost connection ends the save of this queue (the rest is counted as failed). Never throws.
     */
    SaveResult save(String queue, List<MQueueItem> items) {
        String table = TableNames.checked(queue);
        int saved = 0;
        int failed = 0;
        for (int from = 0; from < items.size(); from += BATCH_SIZE) {
            List<MQueueItem> batch = items.subList(from, Math.min(items.size(), from + BATCH_SIZE));
            RuntimeException batchError = insertBatch(table, batch);
            if (batchError == null) {
                saved += batch.size();
                continue;
            }
            if (isConnectionProblem(batchError)) {
                log.error("mqueue '{}': cannot reach the database {} to save: {}", queue, url, rootMessage(batchError));
                return new SaveResult(saved, items.size() - saved, true);
            }
            log.warn("mqueue '{}': batch insert of {} rows into {} failed ({}); retrying row by row", queue,
                    batch.size(), table, rootMessage(batchError));
            int batchSaved = 0;
            try (SqlSession session = sessions.openSession(ExecutorType.SIMPLE, true)) {
                QueueRowMapper mapper = session.getMapper(QueueRowMapper.class);
                for (MQueueItem item : batch) {
                    try {
                        mapper.insert(table, item.key(), item.value());
                        batchSaved++;
                    } catch (RuntimeException e) {
                        failed++;
                        if (isConnectionProblem(e)) {
                            log.error("mqueue '{}': lost the database {} while saving: {}", queue, url,
                                    rootMessage(e));
                            return new SaveResult(saved + batchSaved, items.size() - saved - batchSaved, true);
                        }
                        if (failed <= LOGGED_FAILURES_PER_QUEUE) {
                            log.error("mqueue '{}': cannot save item (key '{}', {} chars of value) into {}: {}", queue,
                                    item.key(), item.value().length(), table, rootMessage(e));
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
        return new SaveResult(saved, failed, false);
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
