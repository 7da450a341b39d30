package org.sipmq.mqueue.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DbUrlTest {
    @Test
    void kamailioFormMapsToConnectorJUrlWithCredentialsApart() {
        DbUrl url = DbUrl.parse("mysql://kamailio:secret@db.example.org:3307/kamailio");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:mysql://db.example.org:3307/kamailio");
        assertThat(url.user()).isEqualTo("kamailio");
        assertThat(url.password()).isEqualTo("secret");
        assertThat(url.dialect()).isEqualTo(DbUrl.Dialect.MYSQL);
        assertThat(url.target()).isEqualTo("db.example.org:3307/kamailio");
        assertThat(url.toString()).isEqualTo("mysql://kamailio:***@db.example.org:3307/kamailio");
    }

    @Test
    void kamailioFormDefaultsPortTo3306() {
        assertThat(DbUrl.parse("mysql://root:pw@127.0.0.1/test").jdbcUrl())
                .isEqualTo("jdbc:mysql://127.0.0.1:3306/test");
    }

    @Test
    void kamailioFormAcceptsEmptyAndAbsentPassword() {
        DbUrl empty = DbUrl.parse("mysql://root:@127.0.0.1:3306/test");
        DbUrl absent = DbUrl.parse("mysql://root@127.0.0.1/test");
        DbUrl anonymous = DbUrl.parse("mysql://127.0.0.1/test");

        assertThat(empty.password()).isEmpty();
        assertThat(empty.user()).isEqualTo("root");
        assertThat(absent.password()).isNull();
        assertThat(absent.toString()).isEqualTo("mysql://root@127.0.0.1/test");
        assertThat(anonymous.user()).isNull();
        assertThat(anonymous.target()).isEqualTo("127.0.0.1:3306/test");
    }

    @Test
    void kamailioFormPasswordMayHoldAtAndColon() {
        DbUrl url = DbUrl.parse("mysql://u:p@ss:w@rd@host/db");

        assertThat(url.user()).isEqualTo("u");
        assertThat(url.password()).isEqualTo("p@ss:w@rd");
        assertThat(url.target()).isEqualTo("host:3306/db");
    }

    @Test
    void jdbcUrlsAreTakenAsIs() {
        assertThat(DbUrl.parse("jdbc:mysql://127.0.0.1:3306/test?user=root&password=").jdbcUrl())
                .isEqualTo("jdbc:mysql://127.0.0.1:3306/test?user=root&password=");
        assertThat(DbUrl.parse("jdbc:h2:file:./data/sipmq").dialect()).isEqualTo(DbUrl.Dialect.H2);
        assertThat(DbUrl.parse("jdbc:h2:tcp://127.0.0.1/mem:x").jdbcUrl()).isEqualTo("jdbc:h2:tcp://127.0.0.1/mem:x");
    }

    @Test
    void embeddedH2IsKeptOpenAtJvmExitSoThatStopCanSave() {
        assertThat(DbUrl.parse("jdbc:h2:file:./data/sipmq;MODE=MySQL").jdbcUrl())
                .isEqualTo("jdbc:h2:file:./data/sipmq;MODE=MySQL;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(DbUrl.parse("jdbc:h2:mem:x;db_close_on_exit=true").jdbcUrl())
                .isEqualTo("jdbc:h2:mem:x;db_close_on_exit=true");
        assertThat(DbUrl.parse("jdbc:h2:mem:x")).hasToString("jdbc:h2:mem:x");
    }

    @Test
    void jdbcMysqlTargetNamesHostPortAndDatabase() {
        assertThat(DbUrl.parse("jdbc:mysql://127.0.0.1:3306/test?user=root").target()).isEqualTo("127.0.0.1:3306/test");
    }

    @Test
    void jdbcPasswordsAreMasked() {
        assertThat(DbUrl.parse("jdbc:mysql://127.0.0.1/test?user=root&password=secret&x=1"))
                .hasToString("jdbc:mysql://127.0.0.1/test?user=root&password=***&x=1");
        assertThat(DbUrl.parse("jdbc:mysql://root:secret@127.0.0.1/test"))
                .hasToString("jdbc:mysql://root:***@127.0.0.1/test");
        assertThat(DbUrl.parse("jdbc:h2:tcp://h/db;USER=sa;PASSWORD=secret"))
                .hasToString("jdbc:h2:tcp://h/db;USER=sa;PASSWORD=***");
    }

    @Test
    void unknownSchemeIsRejectedWithTheExpectedForms() {
        assertThatThrownBy(() -> DbUrl.parse("postgres://u:secret@h/db")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: mysql://user:password@host[:port]/database")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> DbUrl.parse("")).hasMessageStartingWith("db_url: \"\"");
    }

    @Test
    void malformedKamailioFormNamesTheMaskedUrlAndTheProblem() {
        assertThatThrownBy(() -> DbUrl.parse("mysql://root:secret@127.0.0.1:99999/test"))
                .hasMessageStartingWith("db_url: mysql://root:***@127.0.0.1:99999/test: port '99999' is not 1-65535")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> DbUrl.parse("mysql://root:secret@127.0.0.1")).hasMessageContaining("no /database");
        assertThatThrownBy(() -> DbUrl.parse("mysql://root:x@127.0.0.1/te st"))
                .hasMessageContaining("database 'te st'");
        assertThatThrownBy(() -> DbUrl.parse("mysql://root:x@127.0.0.1:33a6/test")).hasMessageContaining("port '33a6'");
        assertThatThrownBy(() -> DbUrl.parse("mysql://:x@127.0.0.1/test")).hasMessageContaining("empty user");
    }
}
