package org.sipmq.sample;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;

/** {@link CdrStoreTest} against the real MariaDB on 127.0.0.1:3306, in a database of this test JVM's own. */
class CdrStoreMariaDbIT extends CdrStoreTest {
    private static final String DB = TestDatabases.privateDatabase("sipmq_cdrstore");

    @AfterAll
    static void dropDatabase() {
        TestDatabases.dropDatabase(DB);
    }

    @Override
    HikariDataSource dataSource() {
        return TestDatabases.mariaDb(TestDatabases.url(DB));
    }
}
