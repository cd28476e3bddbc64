/** Helpers for tests and benchmarks against a real Redis: reachability, key cleanup, round-trip counting. */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/server/cluster/redis-connect.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own per test file, so files can run in parallel on one Redis. */
export function testPrefix(): string {
  return `t:${randomBytes(5).toString('hex')}:`;
}

/**
 * Whether Redis answers. Outside CI a missing Redis skips the suite with a loud warning; under
 * CI=true it is a failure (the suite must run there).
 */
export async function redisAvailable(file: string): Promise<boolean> {
  try {
    const r = await connectRedis(REDIS_URL, 'probe');
    r.disconnect();
    return true;
  } catch (err) {
    if (process.env.CI === 'true') throw err;
    console.warn(`\n!!! ${file}: SKIPPED — ${(err as Error).message}. Start Redis (redis-server --port 6379) or set REDIS_URL to run it.\n`);
    return false;
  }
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const escaped = prefix.replace(/[*?[\]\\]/g, '\\$&');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${escaped}*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export interface RoundTrips {
  /** Pipelines executed (each one round trip). */
  pipelines: number;
  /** Commands sent on their own (each one round trip). */
  single: number;
  /** Every command name sent, pipelined or not. */
  names: string[];
  total(): number;
  reset(): void;
  restore(): void;
}

/** Counts the round trips a client makes: one per pipeline exec plus one per command sent alone. */
export function countRoundTrips(redis: Redis): RoundTrips {
  const pipeline = redis.pipeline;
  const sendCommand = redis.sendCommand;
  const rt: RoundTrips = {
    pipelines: 0,
    single: 0,
    names: [],
    total: () => rt.pipelines + rt.single,
    reset() {
      rt.pipelines = 0;
      rt.single = 0;
      rt.names = [];
    },
    restore() {
      redis.pipeline = pipeline;
      redis.sendCommand = sendCommand;
    },
  };
  redis.pipeline = ((...args: Parameters<typeof pipeline>) => {
    const p = pipeline.apply(redis, args);
    const exec = p.exec;
    p.exec = ((...a: Parameters<typeof exec>) => {
      rt.pipelines++;
      return exec.apply(p, a);
    }) as typeof exec;
    return p;
  }) as typeof pipeline;
  // A pipeline hands its commands to sendCommand with the stream it batches into; alone, without.
  redis.sendCommand = ((...args: Parameters<typeof sendCommand>) => {
    rt.names.push(args[0].name);
    if (!args[1]) rt.single++;
    return sendCommand.apply(redis, args);
  }) as typeof sendCommand;
  return rt;
}
