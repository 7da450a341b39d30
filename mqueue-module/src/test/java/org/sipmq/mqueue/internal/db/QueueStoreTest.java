package org.sipmq.mqueue.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;
import org.apache.ibatis.exceptions.PersistenceException;
import org.junit.jupiter.api.Test;

class QueueStoreTest {
    @Test
    void rootMessageIsTheDeepestSqlMessageOnOneLine() {
        Exception e = new PersistenceException("### Error querying database.\n### Cause: ...",
                new SQLSyntaxErrorException("Table 'test.acc'\ndoesn't exist"));

        assertThat(QueueStore.rootMessage(e)).isEqualTo("Table 'test.acc' doesn't exist");
    }

    @Test
    void rootMessageAddsTheSocketCause() {
        Exception e = new RuntimeException("pool", new SQLException("Communications link failure", "08S01",
                new ConnectException("Connection refused")));

        assertThat(QueueStore.rootMessage(e)).isEqualTo("Communications link failure (Connection refused)");
    }

    @Test
    void connectionProblemsAreToldFromStatementProblems() {
        assertThat(QueueStore
                .isConnectionProblem(new PersistenceException(new SQLTransientConnectionException("timeout"))))
                .isTrue();
        assertThat(QueueStore.isConnectionProblem(new RuntimeException(new SQLException("link", "08S01")))).isTrue();
        assertThat(QueueStore.isConnectionProblem(new PersistenceException(new SQLException("too long", "22001"))))
                .isFalse();
    }
}
