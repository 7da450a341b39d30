package org.sipmq.sample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.sipmq.mqueue.MQueueItem;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

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

    /** Creates the {@code cdr}, {@code caller_state} and {@code acc} (mqueue) tables when they do not exist. */
    public void createTables() {
        try (SqlSession s = sessions.openSession(true)) {
            CdrMapper m = s.getMapper(CdrMapper.class);
            m.createTable();
            m.createCallerStateTable();
            m.createAccQueueTable();
        }
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
