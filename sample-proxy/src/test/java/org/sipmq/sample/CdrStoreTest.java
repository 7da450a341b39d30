package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CDR upserts on embedded H2; {@link CdrStoreMariaDbIT} runs the same tests on MariaDB. */
class CdrStoreTest {
    private HikariDataSource ds;
    private CdrStore store;

    HikariDataSource dataSource() {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl("jdbc:h2:mem:cdr-" + UUID.randomUUID() + ";MODE=MySQL;DB_CLOSE_DELAY=-1");
        ds.setMaximumPoolSize(2);
        return ds;
    }

    @BeforeEach
    void open() throws SQLException {
        ds = dataSource();
        store = new CdrStore(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS cdr"); // a table of an older layout may be left in a shared database
        }
        store.createTables();
        store.deleteAll();
    }

    @AfterEach
    void close() {
        ds.close();
    }

    @Test
    void eventsInAnyOrderMakeOneCompleteRow() {
        store.apply(List.of(CallEvent.parse("c1", CallEvent.bye(5000))));
        store.apply(List.of(CallEvent.parse("c1", CallEvent.reply(200, 2000))));
        store.apply(List.of(CallEvent.parse("c1", CallEvent.invite("sip:a@x", "sip:b@y", 1000))));

        assertThat(store.all())
                .containsExactly(new Cdr("c1", "sip:a@x", "sip:b@y", 1000L, 2000L, 5000L, 3000L, 200, 1, 1, 1));
        assertThat(store.all().get(0).complete()).isTrue();
    }

    @Test
    void retransmittedAnswerKeepsTheFirstAnswerTime() {
        store.apply(List.of(CallEvent.parse("c1", CallEvent.invite("sip:a@x", "sip:b@y", 1000)),
                CallEvent.parse("c1", CallEvent.reply(200, 2000)),
                CallEvent.parse("c1", CallEvent.reply(200, 2500)),
                CallEvent.parse("c1", CallEvent.bye(4000))));

        assertThat(store.all().get(0).answerMillis()).isEqualTo(2000L);
        assertThat(store.all().get(0).replies()).isEqualTo(2);
        assertThat(store.all().get(0).durationMillis()).isEqualTo(2000L);
    }

    @Test
    void failedCallEndsAtItsFinalReplyWithZeroDuration() {
        store.apply(List.of(CallEvent.parse("c2", CallEvent.invite("sip:a@x", "sip:b@y", 1000)),
                CallEvent.parse("c2", CallEvent.reply(487, 1500))));

        Cdr cdr = store.all().get(0);
        assertThat(cdr).isEqualTo(new Cdr("c2", "sip:a@x", "sip:b@y", 1000L, null, 1500L, 0L, 487, 1, 1, 0));
        assertThat(cdr.complete()).isTrue();
    }

    @Test
    void unansweredCallWithoutEndIsNotComplete() {
        store.apply(List.of(CallEvent.parse("c3", CallEvent.invite("sip:a@x", "sip:b@y", 1000))));

        assertThat(store.all().get(0).complete()).isFalse();
    }
}
