package org.sipmq.mqueue.internal.redis;

import java.nio.charset.StandardCharsets;
import redis.clients.jedis.Jedis;

/**
 * The Lua scripts that make a Redis queue behave as a local one (spec §2), each one atomic call, one round trip.
 *
 * <p>
 * Keys of a queue {@code q} (prefix {@code sipmq:mqueue:}): {@code q} itself, a list of entries for addmode 0 or a
 * sorted set of keys scored by arrival for addmodes 1 and 2; {@code q:vals}, the hash from key to value (addmodes 1
 * and 2); {@code q:seq}, the arrival counter; {@code q:shipped}, the last batch number each node had applied. A list
 * entry is {@code <key length in bytes>:<key><value>}, so that keys and values may hold any byte.
 *
 * <p>
 * The add and put-back scripts take {@code KEYS = q, q:vals, q:seq, q:shipped}; the pop script its own.
 */
final class Scripts {
    /**
     * Adds a batch: {@code ARGV = addmode, limit (0 unlimited), node, batch number, key1, value1, ...}. A batch number
     * not above the node's last applied one was applied already (its reply was lost with the connection) and is not
     * applied twice. Returns {@code {size, evicted, duplicates ignored, replaced, 1 when already applied}}.
     */
    static final String ADD = """
            local mode = tonumber(ARGV[1])
            local limit = tonumber(ARGV[2])
            local batch = tonumber(ARGV[4])
            local function count()
              if mode == 0 then return redis.call('LLEN', KEYS[1]) end
              return redis.call('ZCARD', KEYS[1])
            end
            local last = tonumber(redis.call('HGET', KEYS[4], ARGV[3]) or '-1')
            if batch <= last then return {count(), 0, 0, 0, 1} end
            redis.call('HSET', KEYS[4], ARGV[3], batch)
            redis.call('EXPIRE', KEYS[4], 86400)
            local evicted, dups, replaced = 0, 0, 0
            for i = 5, #ARGV, 2 do
              local k, v = ARGV[i], ARGV[i + 1]
              if mode == 0 then
                local n = redis.call('RPUSH', KEYS[1], string.len(k) .. ':' .. k .. v)
                if limit > 0 and n > limit then
                  redis.call('LPOP', KEYS[1])
                  evicted = evicted + 1
                end
              elseif redis.call('HEXISTS', KEYS[2], k) == 1 then
                if mode == 1 then
                  dups = dups + 1
                else
                  redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), k)
                  redis.call('HSET', KEYS[2], k, v)
                  replaced = replaced + 1
                end
              else
                redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), k)
                redis.call('HSET', KEYS[2], k, v)
                if limit > 0 and redis.call('ZCARD', KEYS[1]) > limit then
                  local oldest = redis.call('ZPOPMIN', KEYS[1])
                  redis.call('HDEL', KEYS[2], oldest[1])
                  evicted = evicted + 1
                end
              end
            end
            return {count(), evicted, dups, replaced, 0}
            """;

    /**
     * Takes up to {@code ARGV[2]} oldest items for one drain thread: {@code KEYS = q, q:vals, the thread's inflight
     * list, its inflight number}, {@code ARGV = addmode, max, this call's number, the number of the last reply the
     * thread received}. The items taken are also kept in the inflight list under this call's number until the
     * thread's next call says it received them, so that a pop whose reply was lost with the connection (Redis
     * stopping, a timeout) is answered again, not lost: the next call gets the same items back. Returns {@code {key1,
     * value1, ..., size after, the number answered}}. The pop is the one step where an item leaves the queue, so two
     * nodes never get the same item.
     */
    static final String POP = """
            local mode = tonumber(ARGV[1])
            local max = tonumber(ARGV[2])
            local function count()
              if mode == 0 then return redis.call('LLEN', KEYS[1]) end
              return redis.call('ZCARD', KEYS[1])
            end
            local held = redis.call('GET', KEYS[4])
            if held and tonumber(held) > tonumber(ARGV[4]) then
              local again = redis.call('LRANGE', KEYS[3], 0, -1)
              again[#again + 1] = count()
              again[#again + 1] = tonumber(held)
              return again
            end
            redis.call('DEL', KEYS[3], KEYS[4])
            local out = {}
            if mode == 0 then
              local got = redis.call('LPOP', KEYS[1], max)
              if got then
                for _, e in ipairs(got) do
                  local c = string.find(e, ':', 1, true)
                  local len = tonumber(string.sub(e, 1, c - 1))
                  out[#out + 1] = string.sub(e, c + 1, c + len)
                  out[#out + 1] = string.sub(e, c + len + 1)
                end
              end
            else
              local got = redis.call('ZPOPMIN', KEYS[1], max)
              for i = 1, #got, 2 do
                local k = got[i]
                out[#out + 1] = k
                out[#out + 1] = redis.call('HGET', KEYS[2], k) or ''
                redis.call('HDEL', KEYS[2], k)
              end
            end
            if #out > 0 then
              for _, x in ipairs(out) do redis.call('RPUSH', KEYS[3], x) end
              redis.call('SET', KEYS[4], ARGV[3])
              redis.call('EXPIRE', KEYS[3], 86400)
              redis.call('EXPIRE', KEYS[4], 86400)
            end
            out[#out + 1] = count()
            out[#out + 1] = tonumber(ARGV[3])
            return out
            """;

    /**
     * Puts items this node had taken but not handed out back at the head, oldest first: {@code ARGV = addmode, limit,
     * key1, value1, ...}. In addmodes 1 and 2 a key queued meanwhile wins (it arrived while the old item was out of
     * the queue, where it did not count for de-duplication). The size limit then drops the oldest, as an add would.
     * Returns {@code {size, put back, dropped}}.
     */
    static final String PUT_BACK = """
            local mode = tonumber(ARGV[1])
            local limit = tonumber(ARGV[2])
            local back, dropped = 0, 0
            for i = #ARGV - 1, 3, -2 do
              local k, v = ARGV[i], ARGV[i + 1]
              if mode == 0 then
                redis.call('LPUSH', KEYS[1], string.len(k) .. ':' .. k .. v)
                back = back + 1
              elseif redis.call('HEXISTS', KEYS[2], k) == 0 then
                local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
                local score
                if head[2] then score = tonumber(head[2]) - 1 else score = redis.call('INCR', KEYS[3]) end
                redis.call('ZADD', KEYS[1], score, k)
                redis.call('HSET', KEYS[2], k, v)
                back = back + 1
              else
                dropped = dropped + 1
              end
            end
            local n
            if mode == 0 then n = redis.call('LLEN', KEYS[1]) else n = redis.call('ZCARD', KEYS[1]) end
            while limit > 0 and n > limit do
              if mode == 0 then
                redis.call('LPOP', KEYS[1])
              else
                local oldest = redis.call('ZPOPMIN', KEYS[1])
                redis.call('HDEL', KEYS[2], oldest[1])
              end
              n = n - 1
              dropped = dropped + 1
            end
            return {n, back, dropped}
            """;

    final byte[] add;
    final byte[] pop;
    final byte[] putBack;

    private Scripts(byte[] add, byte[] pop, byte[] putBack) {
        this.add = add;
        this.pop = pop;
        this.putBack = putBack;
    }

    /** Loads every script into the server (again after a restart, which forgets them); returns their SHA-1s. */
    static Scripts load(Jedis jedis) {
        return new Scripts(jedis.scriptLoad(bytes(ADD)), jedis.scriptLoad(bytes(POP)),
                jedis.scriptLoad(bytes(PUT_BACK)));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
