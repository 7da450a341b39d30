package org.sipmq.sample;

import java.util.List;
import org.apache.ibatis.annotations.Arg;
import org.apache.ibatis.annotations.ConstructorArgs;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/**
 * The {@code cdr} table's SQL. Each event is an upsert that sets only its own columns, so events of one call may be
 * applied in any order, by any drain worker, and the row still ends up whole. Assignments never read a column the same
 * statement sets, because MySQL reads the new value there and H2 the old one. {@code ON DUPLICATE KEY UPDATE} works on
 * MySQL, MariaDB and H2 in MySQL mode.
 */
interface CdrMapper {
    @Update("CREATE TABLE IF NOT EXISTS cdr (call_id VARCHAR(255) NOT NULL PRIMARY KEY, from_uri VARCHAR(255),"
            + " to_uri VARCHAR(255), start_ms BIGINT, answer_ms BIGINT, end_ms BIGINT, duration_ms BIGINT, status INT,"
            + " invites INT NOT NULL DEFAULT 0, replies INT NOT NULL DEFAULT 0, byes INT NOT NULL DEFAULT 0)")
    void createTable();

    @Update("CREATE TABLE IF NOT EXISTS caller_state (caller VARCHAR(255) NOT NULL PRIMARY KEY,"
            + " state VARCHAR(1024) NOT NULL)")
    void createCallerStateTable();

    /** Accounting items the {@code cdr} table refused, whole (MEDIUMTEXT: up to 16 MB), with the reason. */
    @Update("CREATE TABLE IF NOT EXISTS acc_dead_letter (id BIGINT AUTO_INCREMENT PRIMARY KEY, at_ms BIGINT NOT NULL,"
            + " reason VARCHAR(1024) NOT NULL, `key` MEDIUMTEXT NOT NULL, val MEDIUMTEXT NOT NULL)")
    void createDeadLetterTable();

    @Insert("INSERT INTO acc_dead_letter (at_ms, reason, `key`, val) VALUES (#{at}, #{reason}, #{key}, #{val})")
    void deadLetter(@Param("at") long atMillis, @Param("reason") String reason, @Param("key") String key,
            @Param("val") String val);

    @Select("SELECT id, at_ms, reason, `key`, val FROM acc_dead_letter ORDER BY id")
    @ConstructorArgs({@Arg(column = "id", javaType = long.class), @Arg(column = "at_ms", javaType = long.class),
            @Arg(column = "reason", javaType = String.class), @Arg(column = "key", javaType = String.class),
            @Arg(column = "val", javaType = String.class)})
    List<CdrStore.DeadLetter> deadLetters();

    /** The mqueue table of the dbmode 1 queue {@code acc}, in Kamailio's layout. */
    @Update("CREATE TABLE IF NOT EXISTS acc (id INT AUTO_INCREMENT PRIMARY KEY,"
            + " `key` VARCHAR(255) NOT NULL DEFAULT '', val VARCHAR(4096) NOT NULL DEFAULT '')")
    void createAccQueueTable();

    @Insert("INSERT INTO caller_state (caller, state) VALUES (#{caller}, #{state})"
            + " ON DUPLICATE KEY UPDATE state = VALUES(state)")
    void saveCallerState(@Param("caller") String caller, @Param("state") String state);

    @Select("SELECT state FROM caller_state WHERE caller = #{caller}")
    String callerState(@Param("caller") String caller);

    @Insert("INSERT INTO cdr (call_id, from_uri, to_uri, start_ms, invites) VALUES (#{e.callId}, #{e.from}, #{e.to},"
            + " #{e.timeMillis}, 1) ON DUPLICATE KEY UPDATE from_uri = VALUES(from_uri), to_uri = VALUES(to_uri),"
            + " start_ms = VALUES(start_ms), invites = invites + 1")
    void start(@Param("e") CallEvent event);

    /** A 2xx answers the call (the first answer wins, against retransmitted 200s). */
    @Insert("INSERT INTO cdr (call_id, answer_ms, status, replies) VALUES (#{e.callId}, #{e.timeMillis}, #{e.status}, 1)"
            + " ON DUPLICATE KEY UPDATE replies = replies + 1, answer_ms = COALESCE(answer_ms, VALUES(answer_ms)), status = VALUES(status),"
            + " duration_ms = CASE WHEN end_ms IS NULL THEN NULL ELSE end_ms - COALESCE(answer_ms, VALUES(answer_ms)) END")
    void answer(@Param("e") CallEvent event);

    /** A final failure ends a call that was never answered. */
    @Insert("INSERT INTO cdr (call_id, end_ms, duration_ms, status, replies) VALUES (#{e.callId}, #{e.timeMillis}, 0,"
            + " #{e.status}, 1) ON DUPLICATE KEY UPDATE end_ms = VALUES(end_ms), duration_ms = 0,"
            + " status = VALUES(status), replies = replies + 1")
    void fail(@Param("e") CallEvent event);

    @Insert("INSERT INTO cdr (call_id, end_ms, byes) VALUES (#{e.callId}, #{e.timeMillis}, 1) ON DUPLICATE KEY"
            + " UPDATE byes = byes + 1, end_ms = VALUES(end_ms),"
            + " duration_ms = CASE WHEN answer_ms IS NULL THEN NULL ELSE VALUES(end_ms) - answer_ms END")
    void end(@Param("e") CallEvent event);

    @Select("SELECT call_id, from_uri, to_uri, start_ms, answer_ms, end_ms, duration_ms, status, invites, replies,"
            + " byes FROM cdr"
            + " ORDER BY call_id")
    List<Cdr> all();

    @Update("DELETE FROM cdr")
    void deleteAll();
}
