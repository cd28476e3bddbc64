/**
 * The Lua scripts of the Redis router: each is one atomic step that would race as separate
 * commands (two nodes attaching the same device, a replaced socket closing after its successor
 * registered). ioredis runs them with EVALSHA, falling back to EVAL once per connection.
 */
import type { Redis, Result } from 'ioredis';

const scripts = {
  /** KEYS[1] presence hash; ARGV field, value → the previous value (or nil), then sets it. */
  impcSwap: {
    numberOfKeys: 1,
    lua: `local prev = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return prev`,
  },
  /** KEYS[1] presence hash; ARGV field, expected value → deletes the field only if it still holds that value. */
  impcCompareDel: {
    numberOfKeys: 1,
    lua: `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`,
  },
  /**
   * KEYS[1] alive key, KEYS[2] nodes set; ARGV incarnation, boot, ttl ms. Refreshes this node's
   * TTL on the Redis clock (no skew between nodes), drops expired nodes. Returns '1' when this
   * node was not in the set (first beat, or it had expired: its entries may have been cleaned),
   * else '0', followed by the live incarnations.
   */
  impcHeartbeat: {
    numberOfKeys: 2,
    lua: `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local added = redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
local live = redis.call('ZRANGE', KEYS[2], 0, -1)
table.insert(live, 1, tostring(added))
return live`,
  },
  /**
   * KEYS: presence hashes → for each non-empty one, its 1-based position then its HGETALL.
   * Several users' presence in one command: about 4× cheaper on the client than one HGETALL
   * each in a pipeline, and the reply leaves out the (many) offline users.
   */
  impcPresence: {
    lua: `local out = {}
for i, k in ipairs(KEYS) do
  local h = redis.call('HGETALL', k)
  if #h > 0 then out[#out + 1] = i; out[#out + 1] = h end
end
return out`,
  },
  /** KEYS[1] alive key, KEYS[2] nodes set; ARGV incarnation, boot: leaves, sparing a successor's key. */
  impcLeave: {
    numberOfKeys: 2,
    lua: `redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[1]) == ARGV[2] then redis.call('DEL', KEYS[1]) end
return 1`,
  },
} as const;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    impcSwap(key: string, field: string, value: string): Result<string | null, Context>;
    impcCompareDel(key: string, field: string, expected: string): Result<number, Context>;
    impcHeartbeat(aliveKey: string, nodesKey: string, incarnation: string, boot: string, ttlMs: number): Result<string[], Context>;
    impcPresence(numKeys: number, ...keys: string[]): Result<(number | string[])[], Context>;
    impcLeave(aliveKey: string, nodesKey: string, incarnation: string, boot: string): Result<number, Context>;
  }
}

/** Registers the scripts as commands on a client (and its pipelines). */
export function defineScripts(client: Redis): void {
  for (const [name, def] of Object.entries(scripts)) client.defineCommand(name, def);
}
