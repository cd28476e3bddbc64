/** Opens the SQLite file in WAL mode and runs migrations. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { createDbFile, DB_FILE, prepareDataDir, tightenDbFiles } from './data-dir.ts';
import { migrate } from './migrations.ts';

export type Db = Database.Database;

/** Opens (creating if needed) `<dataDir>/im.sqlite`. */
export function openDb(dataDir: string): Db {
  prepareDataDir(dataDir);
  createDbFile(dataDir);
  const db = new Database(join(dataDir, DB_FILE));
  db.pragma('journal_mode = WAL');
  tightenDbFiles(dataDir);
  // NORMAL is durable across process crashes in WAL mode (only an OS crash may lose the tail).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // A 10,000-member group touches pages all over the settings, bindings and offline-count trees:
  // keep them cached.
  db.pragma('cache_size = -65536');
  // A big group's message dirties hundreds of pages (offline counts, trace, queue); checkpointing
  // every 1,000 pages (the default) copied them back every few such messages. With 8,000 (a WAL
  // of up to ~32 MB) the same pages dirtied by successive messages are copied back once.
  db.pragma('wal_autocheckpoint = 8000');
  migrate(db);
  return db;
}

/**
 * Big batched reads come back as ONE JSON array built by SQLite (json_group_array) and parsed by
 * V8: about twice as fast here as letting better-sqlite3 build thousands of row objects.
 */
export function parseRows<T>(json: unknown): T[] {
  return typeof json === 'string' ? (JSON.parse(json) as T[]) : [];
}

/** The JSON text of a list, for `IN (SELECT value FROM json_each(?))`. */
export function jsonList(values: readonly string[]): string {
  return JSON.stringify(values);
}
