/**
 * Shared queues ({@code backend=redis}, docs/scale-out.md): the Redis engine (a service), each shared queue's local
 * buffer and the shipper that moves items to Redis, and the Lua scripts that apply size and addmode there.
 */
package org.sipmq.mqueue.internal.redis;
