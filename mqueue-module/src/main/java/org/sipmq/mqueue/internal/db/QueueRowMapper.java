package org.sipmq.mqueue.internal.db;

import java.util.List;
import org.apache.ibatis.annotations.Arg;
import org.apache.ibatis.annotations.ConstructorArgs;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.cursor.Cursor;

/**
 * The SQL of Kamailio's queue tables ({@code id}, {@code key}, {@code val}). {@code ${table}} is the only text
 * substitution and only ever receives a name checked by {@link TableNames}; keys and values are bound parameters.
 * Both the table and {@code key} are quoted with backticks, since a queue may be named as a reserved word ({@code call},
 * {@code order}, {@code key}; {@code user} and {@code value} in H2). Backticks quote in MySQL, MariaDB and H2 (any
 * mode) alike, and H2 folds a backticked name to upper case just as an unquoted one, so a table created unquoted
 * ({@code CREATE TABLE acc}) is found. {@link TableNames} refuses a backtick in a name, so it cannot close the quote.
 */
interface QueueRowMapper {
    /** Every row, oldest first; streamed (the fetch size is set per database in the MyBatis configuration). */
    @Select("SELECT id, `key`, val FROM `${table}` ORDER BY id")
    @ConstructorArgs({@Arg(column = "id", javaType = long.class), @Arg(column = "key", javaType = String.class),
            @Arg(column = "val", javaType = String.class)})
    Cursor<QueueRow> selectAll(@Param("table") String table);

    /**
     * Deletes exactly the rows that were loaded: a row that someone inserted during the load stays for the next start,
     * whatever its id (an id range would take a row committed late with a lower id). On InnoDB, equality on the
     * primary key locks only these rows, so the delete never waits for another writer's uncommitted row.
     */
    @Delete({"<script>DELETE FROM `${table}` WHERE id IN",
            "<foreach item='id' collection='ids' open='(' separator=',' close=')'>#{id}</foreach></script>"})
    int deleteIds(@Param("table") String table, @Param("ids") List<Long> ids);

    @Insert("INSERT INTO `${table}` (`key`, val) VALUES (#{key}, #{val})")
    int insert(@Param("table") String table, @Param("key") String key, @Param("val") String val);

    /** Fails when the table or one of its columns is missing. */
    @Select("SELECT COUNT(*) FROM `${table}` WHERE 1 = 0 AND `key` = val AND id = 0")
    int probe(@Param("table") String table);
}
