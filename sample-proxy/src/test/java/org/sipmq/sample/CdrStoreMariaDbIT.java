package org.sipmq.sample;

import com.zaxxer.hikari.HikariDataSource;

/** {@link CdrStoreTest} against the real MariaDB on 127.0.0.1:3306. */
class CdrStoreMariaDbIT extends CdrStoreTest {
    @Override
    HikariDataSource dataSource() {
        return TestDatabases.mariaDb();
    }
}
