/**
 * Queue persistence (Kamailio's {@code dbmode}, spec §4): the {@code db_url}, the connection pool, the SQL (MyBatis)
 * and the services that load queues at start and save them at stop.
 */
package org.sipmq.mqueue.internal.db;
