/**
 * The connection pool of the PostgreSQL store: one schema (search_path on every connection),
 * 64-bit integers as JS numbers (ms timestamps and sequences stay far below 2^53), and helpers for
 * transactions and the NOTIFY channel of the delivery queue.
 */
import pg from 'pg';

/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

const INT8 = 20;
const NUMERIC = 1700;

/** Per-pool parsers: BIGINT/COUNT(*) and NUMERIC come back as numbers, not strings. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PoolOptions {
  url: string;
  schema?: string;
  poolSize?: number;
}

export interface PgHandle {
  pool: pg.Pool;
  schema: string;
  /** The NOTIFY channel for queued deliveries, one per schema (test schemas never cross-talk). */
  channel: string;
  /** Connection settings for a dedicated client (the LISTEN connection). */
  clientConfig: pg.ClientConfig;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function createPool(opts: PoolOptions): PgHandle {
  const schema = opts.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`schema name "${schema}" must be lower-case letters, digits and _ (at most 63)`);
  const clientConfig: pg.ClientConfig = {
    connectionString: opts.url,
    types,
    // Every pooled connection works in this schema (set at connection start, no extra round trip).
    options: `-c search_path=${schema}`,
    application_name: 'im-push-companion',
  };
  const pool = new pg.Pool({ ...clientConfig, max: opts.poolSize ?? 10, idleTimeoutMillis: 30_000 });
  // An idle client that loses its connection emits 'error' on the pool; without a listener that kills the process.
  pool.on('error', (e) => console.warn(`postgres: idle connection lost (${e.message})`));
  return { pool, schema, channel: `impc_deliveries_${schema}`.slice(0, 63), clientConfig };
}

/** Runs `fn` in one transaction on one client (rolled back if it throws). */
export async function tx<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

/** A sentence for a failure to connect ("connection refused", "password authentication failed ..."). */
export function connectFailure(url: string, e: unknown): Error {
  const err = e as { code?: string; message?: string; errors?: { message?: string }[] };
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'unknown host',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
    '3D000': 'no such database',
    '28P01': 'password authentication failed',
    '28000': 'not allowed to connect',
  };
  const why = (err.code && reasons[err.code]) || err.message || err.errors?.[0]?.message || String(e);
  return new Error(`cannot reach PostgreSQL at ${redactUrl(url)}: ${why}`, { cause: e });
}

/** SQLSTATE of a unique violation. */
export const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === UNIQUE_VIOLATION;
}
