/**
 * Copies an embedded SQLite store (`<data>/im.sqlite`) into PostgreSQL (SPEC 8, `npm run
 * migrate`): every table in batches (arrays + unnest), idempotent (rows already there are left
 * alone, so a second run copies nothing), message seqs and delivery ids kept and the identity
 * sequences moved past them, then the row counts of every table compared.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { SCHEMA_VERSION } from '../store/migrations.ts';
import { migratePg } from '../store/postgres/migrations.ts';
import { connectFailure, createPool, quoteIdent, redactUrl } from '../store/postgres/pool.ts';

/** The tables of store/migrations.ts, parents before the rows that point at them. */
export const TABLES = [
  'meta', 'users', 'offline_counts', 'tokens', 'groups', 'group_members', 'app_settings', 'conv_settings',
  'bindings', 'devices', 'messages', 'inbox', 'device_inbox', 'group_log', 'group_cursors', 'group_acks', 'trace_pushed', 'trace_held',
  'trace_results', 'deliveries', 'stream_pushes', 'summary_pending', 'jobs', 'callback_ids', 'job_outcomes',
] as const;

/** Identity columns whose sequence must continue after the copied numbers. */
const IDENTITIES: readonly [table: string, column: string][] = [
  ['messages', 'seq'], ['deliveries', 'id'], ['stream_pushes', 'ord'], ['jobs', 'id'], ['trace_results', 'ord'],
];

export interface MigrateOptions {
  dataDir: string;
  url: string;
  /** PostgreSQL schema (default public). */
  schema?: string;
  /** Rows per INSERT (default 5000). */
  batch?: number;
  log?: (line: string) => void;
}

export interface TableReport {
  table: string;
  source: number;
  target: number;
  copied: number;
}

export interface MigrateReport {
  tables: TableReport[];
  ok: boolean;
  /** Meta keys PostgreSQL already held with another value (kept as they were). */
  metaConflicts: string[];
}

/** A mistake in what was asked (a flag, a path, an unreachable server): main prints it as is. */
export class MigrateError extends Error {}

export function sqlitePath(dataDir: string): string {
  return join(dataDir, 'im.sqlite');
}

function openSource(dataDir: string): Database.Database {
  const file = sqlitePath(dataDir);
  if (!existsSync(file)) throw new MigrateError(`there is no embedded store at ${file} (is --data the server's data folder?)`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new MigrateError(`cannot open ${file} read-only: ${(e as Error).message}`);
  }
  const version = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get() as unknown)
    ? (db.prepare('SELECT version FROM schema_version').pluck().get() as number | undefined)
    : undefined;
  if (!version) {
    db.close();
    throw new MigrateError(`${file} is not an IM Push Companion store (it has no schema version)`);
  }
  // Read-only, so an older store cannot be upgraded here (its rows may be in a form PostgreSQL no longer has).
  if (version < SCHEMA_VERSION) {
    db.close();
    throw new MigrateError(`${file} is at schema version ${version}, this migrator copies version ${SCHEMA_VERSION}: start the server once on this data folder (it upgrades the store), stop it, then migrate`);
  }
  const unknown = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[])
    .filter((t) => t !== 'schema_version' && !(TABLES as readonly string[]).includes(t));
  if (unknown.length) {
    db.close();
    throw new MigrateError(`${file} has tables this migrator does not know (${unknown.join(', ')}): update the server before migrating`);
  }
  return db;
}

async function pgColumns(pool: pg.Pool, schema: string, table: string): Promise<Map<string, string>> {
  const r = await pool.query<{ column_name: string; data_type: string }>(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
    [schema, table],
  );
  return new Map(r.rows.map((x) => [x.column_name, x.data_type]));
}

/** Copies one table; returns the rows PostgreSQL did not have yet. */
async function copyTable(db: Database.Database, pool: pg.Pool, schema: string, table: string, batch: number): Promise<number> {
  const source = (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]);
  if (source.length === 0) return 0; // a table an older SQLite schema does not have yet
  const target = await pgColumns(pool, schema, table);
  const lost = source.filter((c) => !target.has(c));
  if (lost.length) throw new MigrateError(`PostgreSQL's ${table} has no column ${lost.join(', ')}: update the server before migrating`);
  const cols = [...source];
  // JSON travels as text: json() turns SQLite's JSONB blobs (trace_pushed.users) into it.
  const select = cols.map((c) => (target.get(c) === 'jsonb' ? `json(${quoteIdent(c)})` : quoteIdent(c)));
  // stream_pushes keeps SQLite's insertion order (rowid) as its tie-break.
  if (table === 'stream_pushes' && target.has('ord')) {
    cols.push('ord');
    select.push('rowid');
  }
  // Everything travels as text[] and is cast back to the column's type: one code path for all tables.
  const casts = cols.map((c, i) => `x.c${i}::${target.get(c) === 'jsonb' ? 'jsonb' : target.get(c)!.replace('character varying', 'text')}`);
  const sql = `INSERT INTO ${quoteIdent(table)} (${cols.map(quoteIdent).join(', ')})
    SELECT ${casts.join(', ')} FROM unnest(${cols.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS x(${cols.map((_, i) => `c${i}`).join(', ')})
    ON CONFLICT DO NOTHING`;
  let copied = 0;
  let columns: (string | null)[][] = cols.map(() => []);
  let n = 0;
  const flush = async () => {
    if (n === 0) return;
    copied += (await pool.query(sql, columns)).rowCount ?? 0;
    columns = cols.map(() => []);
    n = 0;
  };
  const stmt = db.prepare(`SELECT ${select.join(', ')} FROM ${quoteIdent(table)}`).raw();
  // The iterator stays open across the awaits: nothing else runs on this SQLite connection meanwhile,
  // and memory stays at one batch whatever the table's size.
  for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
    for (let i = 0; i < cols.length; i++) {
      const v = row[i];
      columns[i]!.push(v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
    }
    if (++n === batch) await flush();
  }
  await flush();
  return copied;
}

/** Moves each identity past the largest number in use (and past SQLite's AUTOINCREMENT high-water mark). */
async function fixIdentities(db: Database.Database, pool: pg.Pool): Promise<string[]> {
  const out: string[] = [];
  const hw = (db.prepare("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'").get() as unknown)
    ? (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").pluck().get() as number | undefined) ?? 0
    : 0;
  for (const [table, column] of IDENTITIES) {
    const floor = table === 'messages' ? hw : 0;
    const r = await pool.query<{ v: number }>(
      `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT MAX(${quoteIdent(column)}) FROM ${quoteIdent(table)}), $3::bigint, 1),
         (SELECT MAX(${quoteIdent(column)}) FROM ${quoteIdent(table)}) IS NOT NULL OR $3::bigint > 0) AS v`,
      [table, column, floor],
    );
    out.push(`${table}.${column} continues after ${r.rows[0]!.v}`);
  }
  return out;
}

export async function migrateSqliteToPostgres(opts: MigrateOptions): Promise<MigrateReport> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const batch = opts.batch ?? 5000;
  const db = openSource(opts.dataDir);
  const { pool, schema } = createPool({ url: opts.url, ...(opts.schema ? { schema: opts.schema } : {}), poolSize: 2 });
  try {
    try {
      await pool.query('SELECT 1');
    } catch (e) {
      throw new MigrateError(connectFailure(opts.url, e).message);
    }
    await migratePg(pool, schema);
    log(`copying ${sqlitePath(opts.dataDir)} into PostgreSQL at ${redactUrl(opts.url)} (schema ${schema}), ${batch} rows per statement`);
    const copied = new Map<string, number>();
    for (const table of TABLES) {
      const t0 = performance.now();
      const n = await copyTable(db, pool, schema, table, batch);
      copied.set(table, n);
      log(`  ${table}: ${n} new row${n === 1 ? '' : 's'} (${(performance.now() - t0).toFixed(0)} ms)`);
    }
    for (const line of await fixIdentities(db, pool)) log(`  ${line}`);

    // Keys PostgreSQL already had with another value (for example a node started there first).
    const metaConflicts: string[] = [];
    const meta = db.prepare('SELECT key, value FROM meta').raw().all() as [string, string][];
    if (meta.length) {
      const r = await pool.query<{ key: string; value: string }>('SELECT key, value FROM meta WHERE key = ANY($1::text[])', [meta.map((m) => m[0])]);
      const have = new Map(r.rows.map((x) => [x.key, x.value]));
      for (const [k, v] of meta) if (have.get(k) !== v) metaConflicts.push(k);
    }

    log('row counts (SQLite = PostgreSQL):');
    const tables: TableReport[] = [];
    for (const table of TABLES) {
      const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
      const source = hasTable ? (db.prepare(`SELECT COUNT(*) FROM ${quoteIdent(table)}`).pluck().get() as number) : 0;
      const target = (await pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quoteIdent(table)}`)).rows[0]!.n;
      tables.push({ table, source, target, copied: copied.get(table) ?? 0 });
      log(`  ${table}: ${source} ${source === target ? '=' : '≠'} ${target}`);
    }
    if (metaConflicts.length) {
      log(`warning: PostgreSQL already had other values for ${metaConflicts.join(', ')}; they were kept (the SQLite values were not copied)`);
    }
    return { tables, ok: tables.every((t) => t.source === t.target), metaConflicts };
  } finally {
    db.close();
    await pool.end().catch(() => undefined);
  }
}
