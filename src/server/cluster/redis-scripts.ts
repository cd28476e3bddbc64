/**
 * The Lua scripts of the Redis router: each is one atomic step that would race as separate
 * commands (two nodes attaching the same device, a replaced socket closing after its successor
 * registered). ioredis runs them with EVALSHA, falling back to EVAL once per connection.
 */
import type { Redis, Result } from 'ioredis';

const scripts = {
  /** KEYS[1] presence hash, KEYS[2] this incarnation's held set; ARGV field, value → the previous value (or nil), then sets it. */
  impcSwap: {
    numberOfKeys: 2,
    lua: `local prev = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
return prev`,
  },
  /** KEYS[1] presence hash; ARGV field, expected value → deletes the field only if it still holds that value. */
  impcCompareDel: {
    numberOfKeys: 1,
    lua: `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`,
  },
  /**
   * KEYS[1] alive key, KEYS[2] nodes set, KEYS[3] dead set; ARGV incarnation, boot, ttl ms.
   * Refreshes this node's TTL on the Redis clock (no skew between nodes), moves expired nodes to
   * the dead set (their entries are swept after the beat). Returns '1' when this
   * node was not in the set (first beat, or it had expired: its entries may have been cleaned),
   * else '0', followed by the live incarnations.
   */
  impcHeartbeat: {
    numberOfKeys: 3,
    lua: `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, inc in ipairs(expired) do redis.call('SADD', KEYS[3], inc) end
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
  /** KEYS[1] alive key, KEYS[2] nodes set, KEYS[3] held set; ARGV incarnation, boot: leaves, sparing a successor's key. */
  impcLeave: {
    numberOfKeys: 3,
    lua: `redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[1]) == ARGV[2] then redis.call('DEL', KEYS[1]) end
redis.call('DEL', KEYS[3])
return 1`,
  },
  /**
   * KEYS[1] a dead incarnation's held set, KEYS[2] nodes set; ARGV incarnation, count. Unless the
   * incarnation is alive again (it rejoined: -1), takes up to `count` hashes from the set and
   * deletes the entries in them that still name that incarnation; returns how many it took (0: done).
   * The hashes are named by the set, not in KEYS: fine on one Redis, which is what SPEC 8 uses.
   */
  impcSweep: {
    numberOfKeys: 2,
    lua: `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if score and tonumber(score) > now then return -1 end
local prefix = ARGV[1] .. '.'
local hashes = redis.call('SPOP', KEYS[1], tonumber(ARGV[2]))
for _, k in ipairs(hashes) do
  local h = redis.call('HGETALL', k)
  for i = 1, #h, 2 do
    if string.sub(h[i + 1], 1, #prefix) == prefix then redis.call('HDEL', k, h[i]) end
  end
end
return #hashes`,
  },
} as const;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    impcSwap(key: string, heldKey: string, field: string, value: string): Result<string | null, Context>;
    impcCompareDel(key: string, field: string, expected: string): Result<number, Context>;
    impcHeartbeat(aliveKey: string, nodesKey: string, deadKey: string, incarnation: string, boot: string, ttlMs: number): Result<string[], Context>;
    impcPresence(numKeys: number, ...keys: string[]): Result<(number | string[])[], Context>;
    impcLeave(aliveKey: string, nodesKey: string, heldKey: string, incarnation: string, boot: string): Result<number, Context>;
    impcSweep(heldKey: string, nodesKey: string, incarnation: string, count: number): Result<number, Context>;
  }
}

/** Registers the scripts as commands on a client (and its pipelines). */
export function defineScripts(client: Redis): void {
  for (const [name, def] of Object.entries(scripts)) client.defineCommand(name, def);
}
