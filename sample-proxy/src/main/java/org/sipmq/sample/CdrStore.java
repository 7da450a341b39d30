package org.sipmq.sample;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.sipmq.mqueue.MQueueItem;

/**
 * Writes call detail records through MyBatis. Called only from the accounting drain (a timer worker), never from a SIP
 * thread: every method blocks on the database.
 */
public final class CdrStore {
    private final SqlSessionFactory sessions;

    public CdrStore(DataSource dataSource) {
        Configuration config = new Configuration(new Environment("cdr", new JdbcTransactionFactory(), dataSource));
        config.setMapUnderscoreToCamelCase(true);
        config.addMapper(CdrMapper.class);
        this.sessions = new SqlSessionFactoryBuilder().build(config);
    }

    /**
     * Creates the {@code cdr}, {@code caller_state}, {@code acc_dead_letter} and {@code acc} (mqueue) tables when they do
     * not exist.
     */
    public void createTables() {
        try (SqlSession s = sessions.openSession(true)) {
            CdrMapper m = s.getMapper(CdrMapper.class);
            m.createTable();
            m.createCallerStateTable();
            m.createDeadLetterTable();
            m.createAccQueueTable();
        }
    }

    /** Stores an accounting item that could not be written as a CDR event, with the reason. */
    void deadLetter(String key, String value, String reason) {
        try (SqlSession s = sessions.openSession(true)) {
            String r = reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 3) + "...";
            s.getMapper(CdrMapper.class).deadLetter(System.currentTimeMillis(), r, key, value);
        }
    }

    /** Every dead letter, oldest first. */
    public List<DeadLetter> deadLetters() {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(CdrMapper.class).deadLetters();
        }
    }

    /** One row of {@code acc_dead_letter}. */
    public record DeadLetter(long id, long atMs, String reason, String key, String val) {
    }

    private static final int MAX_REASON = 1024;

    /**
     * True when the database refused the data of a statement (SQLSTATE class 22, a data exception such as a value too
     * long for its column, or 23, an integrity constraint), not the statement or the connection: writing the other
     * events on their own will work.
     */
    static boolean isDataProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    /** The database's own message of a failure, on one line. */
    static String reason(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException && t.getMessage() != null) {
                message = t.getMessage();
            }
            if (message == null && t.getCause() == null) {
                message = t.toString();
            }
        }
        return message == null ? e.toString() : message.strip().replaceAll("\\s*\\n\\s*", " ");
    }

    /** Stores each caller's latest state, in one transaction. */
    void saveCallerStates(List<MQueueItem> items) {
        try (SqlSession s = sessions.openSession(false)) {
            CdrMapper m = s.getMapper(CdrMapper.class);
            for (MQueueItem item : items) {
                m.saveCallerState(item.key(), item.value());
            }
            s.commit();
        }
    }

    /** The latest state stored for a caller, or null. */
    public String callerState(String caller) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(CdrMapper.class).callerState(caller);
        }
    }

    /**
     * Applies a batch of events in one transaction. The rows are written in Call-ID order: the drain has several
     * workers whose batches can hold events of the same calls, and two transactions that lock the same rows in
     * different orders deadlock (the database then fails both after its lock timeout). The sort is stable, so each
     * call's own events keep their order.
     */
    void apply(List<CallEvent> events) {
        List<CallEvent> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(CallEvent::callId));
        try (SqlSession s = sessions.openSession(false)) {
            CdrMapper m = s.getMapper(CdrMapper.class);
            for (CallEvent e : ordered) {
                switch (e.kind()) {
                    case INVITE -> m.start(e);
                    case REPLY -> {
                        if (e.status() >= 200 && e.status() < 300) {
                            m.answer(e);
                        } else {
                            m.fail(e);
                        }
                    }
                    case BYE -> m.end(e);
                }
            }
            s.commit();
        }
    }

    /** Every row, by Call-ID. */
    public List<Cdr> all() {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(CdrMapper.class).all();
        }
    }

    /** Deletes every row (for tests and demos). */
    public void deleteAll() {
        try (SqlSession s = sessions.openSession(true)) {
            s.getMapper(CdrMapper.class).deleteAll();
        }
    }
}
