/**
 * PostgreSQL for tests: `TEST_POSTGRES_URL` (default the local trust server of RECIPES.md) and
 * a fresh schema `t_<random>` per test file. When the server cannot be reached the suites skip
 * loudly outside CI and fail under CI=true (a CI run must not pass by testing nothing).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other test file uses. */
export function freshSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** Null when the server answers, else why not. */
export async function pgUnavailable(url = PG_URL): Promise<string | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return null;
  } catch (e) {
    return `PostgreSQL at ${url} is unreachable (${(e as Error).message || (e as { code?: string }).code})`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Decides once per file whether the PostgreSQL suites run: true = run, false = skip (warned); throws under CI. */
export async function requirePostgres(what: string): Promise<boolean> {
  const why = await pgUnavailable();
  if (why === null) return true;
  if (process.env.CI === 'true') throw new Error(`${what}: ${why}; CI=true requires PostgreSQL`);
  console.warn(`\n*** SKIPPING ${what}: ${why}. Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ***\n`);
  return false;
}

export async function dropSchema(schema: string, url = PG_URL): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

/** Empties every table of a schema and restarts its identities (between tests of one file). */
export async function truncateSchema(schema: string, url = PG_URL): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ t: string }>(
      "SELECT quote_ident(table_name) AS t FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'schema_version'",
      [schema],
    );
    if (r.rows.length) await c.query(`TRUNCATE ${r.rows.map((x) => `"${schema}".${x.t}`).join(', ')} RESTART IDENTITY`);
  } finally {
    await c.end();
  }
}
