/**
 * The real PostgreSQL and Redis the cluster tests use (DATABASE_URL / REDIS_URL, defaulting to
 * the local services). Each test file gets its own schema and key prefix and removes them.
 * Unreachable: outside CI the caller skips loudly; under CI=true that is a failure.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether both services answer; under CI=true an unreachable one throws (a skip would hide it). */
export async function clusterServicesUp(): Promise<boolean> {
  const problems: string[] = [];
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    problems.push(`PostgreSQL at ${DATABASE_URL}: ${(e as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    problems.push(`Redis at ${REDIS_URL}: ${(e as Error).message}`);
  } finally {
    redis.disconnect();
  }
  if (problems.length === 0) return true;
  const msg = `cluster services unreachable: ${problems.join('; ')}`;
  if (process.env.CI === 'true') throw new Error(`${msg} (under CI this is a failure, not a skip)`);
  console.warn(`SKIPPED (loudly): ${msg}`);
  return false;
}

/** A fresh schema name and Redis key prefix for one test file or cluster. */
export function isolation(): { schema: string; prefix: string } {
  const id = randomBytes(5).toString('hex');
  return { schema: `t_${id}`, prefix: `t:${id}:` };
}

/** Drops a test schema and every Redis key under a prefix. */
export async function dropIsolation(schema: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end().catch(() => {});
  }
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
