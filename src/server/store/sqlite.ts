/**
 * The embedded engine: the SQLite repositories behind the store ports. Everything answers
 * synchronously; a unit of work is one better-sqlite3 transaction.
 */
import { BindingsRepo } from './bindings.ts';
import { type Db, openDb } from './db.ts';
import { DeliveriesRepo } from './deliveries.ts';
import { GroupsRepo } from './groups.ts';
import { JobsRepo } from './jobs.ts';
import { housekeep } from './housekeeping.ts';
import { MessagesRepo } from './messages.ts';
import { MetaRepo } from './meta.ts';
import type { CommitResult, MessageCommit, SettledDelivery, Store } from './ports.ts';
import { SettingsRepo } from './settings.ts';
import { SummariesRepo } from './summaries.ts';
import { TraceRepo } from './trace.ts';
import { UsersRepo } from './users.ts';

export interface SqliteStoreOptions {
  defaultTimeZone: string;
  /** Name of the webpush certificate (whose bindings the delivery rows use). */
  webpushCert: string;
}

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly meta: MetaRepo;
  readonly users: UsersRepo;
  readonly groups: GroupsRepo;
  readonly settings: SettingsRepo;
  readonly bindings: BindingsRepo;
  readonly messages: MessagesRepo;
  readonly deliveries: DeliveriesRepo;
  readonly trace: TraceRepo;
  readonly summaries: SummariesRepo;
  readonly jobs: JobsRepo;
  private readonly commitTx;
  private readonly settleTx;
  private readonly deviceOnlineTx;

  constructor(readonly db: Db, opts: SqliteStoreOptions) {
    this.meta = new MetaRepo(db);
    this.users = new UsersRepo(db);
    this.groups = new GroupsRepo(db);
    this.settings = new SettingsRepo(db, opts.defaultTimeZone);
    this.bindings = new BindingsRepo(db);
    this.messages = new MessagesRepo(db);
    this.deliveries = new DeliveriesRepo(db, opts.webpushCert);
    this.trace = new TraceRepo(db);
    this.summaries = new SummariesRepo(db);
    this.jobs = new JobsRepo(db);
    this.commitTx = db.transaction((c: MessageCommit): CommitResult => {
      const seq = this.messages.insert(c.message, c.inbox, c.group);
      this.users.bumpOfflineMany(c.bumpOffline);
      this.trace.addMany(seq, c.traces);
      if (c.summaryUsers?.length && c.summarize) this.summaries.putMany(c.summarize(this.summaries.countsMany(c.summaryUsers)));
      if (c.summarySentTo !== undefined) this.summaries.drop(c.summarySentTo);
      if (c.jobs?.length) this.jobs.addMany(c.jobs, c.now);
      if (!c.deliveries || c.pushed.length === 0) return { seq, queued: 0, stream: [] };
      const { webpush, stream } = c.deliveries(this.users.pushInfo(c.pushed));
      this.deliveries.enqueueMany(seq, webpush, c.now);
      this.deliveries.streamPutMany(c.message.id, seq, stream, c.now);
      return { seq, queued: webpush.length, stream };
    });
    this.deviceOnlineTx = db.transaction((username: string, resource: string, now: number): boolean => {
      const isNew = !this.bindings.isKnown(username, resource);
      if (isNew) this.messages.adoptBacklog(username, resource);
      this.bindings.seen(username, resource, now);
      this.users.resetOffline(username);
      this.summaries.drop(username);
      return isNew;
    });
    // Inside one transaction each statement is a B-tree edit, not a WAL commit of its own.
    this.settleTx = db.transaction((rows: readonly SettledDelivery[]) => {
      for (const r of rows) {
        if (r.retry) this.deliveries.retry(r.id, r.retry.attempts, r.retry.due);
        else this.deliveries.done(r.id);
        this.trace.setResult(r.username, r.seq, r.deviceId, r.result, r.notifier);
      }
    });
  }

  settleDeliveries(rows: readonly SettledDelivery[]): void {
    if (rows.length) this.settleTx(rows);
  }

  commitMessage(c: MessageCommit): CommitResult {
    return this.commitTx(c);
  }

  deviceOnline(username: string, resource: string, now: number): boolean {
    return this.deviceOnlineTx(username, resource, now);
  }

  housekeep(now: number): Record<string, number> {
    return housekeep(this.db, now);
  }

  ping(): void {
    this.db.prepare('SELECT 1').get();
  }

  close(): void {
    this.db.close();
  }
}

/** Opens (creating and migrating if needed) `<dataDir>/im.sqlite`. */
export function openSqliteStore(dataDir: string, opts: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(openDb(dataDir), opts);
}
