/**
 * The PostgreSQL store (cluster mode, SPEC 8): the ports of store/ports.ts on one pg.Pool, with
 * migrations run at open under an advisory lock. Every method returns a promise.
 */
import type { Store } from '../ports.ts';
import { PgBindings } from './bindings.ts';
import { commitMessage, settleDeliveries } from './commit.ts';
import { deviceOnline } from './device-online.ts';
import { PgDeliveries } from './deliveries.ts';
import { PgGroups } from './groups.ts';
import { housekeep } from './housekeeping.ts';
import { PgJobs } from './jobs.ts';
import { DeliveryListener } from './listen.ts';
import { PgMessages } from './messages.ts';
import { PgMeta } from './meta.ts';
import { migratePg } from './migrations.ts';
import { connectFailure, createPool } from './pool.ts';
import { PgSettings } from './settings.ts';
import { PgSummaries } from './summaries.ts';
import { PgTrace } from './trace.ts';
import { PgUsers } from './users.ts';

export { PG_SCHEMA_VERSION } from './migrations.ts';

export interface PostgresStoreOptions {
  /** postgres://user:pass@host:port/db */
  url: string;
  /** Schema holding the tables (created if missing); default `public`. Tests use one per file. */
  schema?: string;
  /** The server's --default-time-zone, for users who never chose one. */
  defaultTimeZone: string;
  /** Name of the Web Push certificate: a claimed row carries the device's token for it. */
  webpushCert: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

export interface PostgresStore extends Store {
  readonly engine: 'postgres';
  /** The schema in use. */
  readonly schema: string;
  /** The NOTIFY channel of queued deliveries. */
  readonly channel: string;
  /** For tests: drops the LISTEN connection as a network failure would. */
  dropListenerForTest(): void;
}

/** Opens the pool, migrates the schema (nodes may start together) and returns the store. */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  const { pool, schema, channel, clientConfig } = createPool(opts);
  try {
    await migratePg(pool, schema);
  } catch (e) {
    await pool.end().catch(() => undefined);
    const code = (e as { code?: string }).code;
    // Connection-level failures get a sentence; SQL errors of a migration keep their own message.
    if (code === undefined || /^E[A-Z]+$/.test(code) || code.startsWith('28') || code === '3D000') throw connectFailure(opts.url, e);
    throw e;
  }
  const listener = new DeliveryListener(clientConfig, channel);
  let closed = false;
  return {
    engine: 'postgres',
    schema,
    channel,
    meta: new PgMeta(pool),
    users: new PgUsers(pool),
    groups: new PgGroups(pool),
    settings: new PgSettings(pool, opts.defaultTimeZone),
    bindings: new PgBindings(pool),
    messages: new PgMessages(pool),
    deliveries: new PgDeliveries(pool, opts.webpushCert),
    trace: new PgTrace(pool),
    summaries: new PgSummaries(pool),
    jobs: new PgJobs(pool),
    commitMessage: (c) => commitMessage(pool, channel, c),
    settleDeliveries: (rows) => settleDeliveries(pool, rows),
    deviceOnline: (username, resource, now) => deviceOnline(pool, username, resource, now),
    housekeep: (now) => housekeep(pool, now),
    async ping() {
      await pool.query('SELECT 1');
    },
    onDeliveriesQueued: (fn) => listener.add(fn),
    dropListenerForTest: () => listener.dropForTest(),
    async close() {
      if (closed) return;
      closed = true;
      await listener.close();
      await pool.end();
    },
  };
}
