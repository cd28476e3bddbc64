/**
 * `npm run migrate`: an embedded store with a few thousand users is copied into PostgreSQL,
 * counts verified, a second run copies nothing, and the PostgreSQL store reads the same settings,
 * bindings and queue. Skipped with a warning when PostgreSQL is unreachable (fails under CI=true).
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/server/migrate/args.ts';
import { MigrateError, migrateSqliteToPostgres, TABLES } from '../../src/server/migrate/copy.ts';
import { migrate } from '../../src/server/store/migrations.ts';
import type { NewTrace } from '../../src/server/store/ports.ts';
import { openPostgresStore } from '../../src/server/store/postgres/index.ts';
import { decisionRows } from '../../src/server/store/trace-entry.ts';
import { tempDir } from './helpers.ts';
import { dropSchema, freshSchema, PG_URL, requirePostgres } from './pg.ts';

const T = 1_750_000_000_000;
const USERS = 3000;
const ZONE = 'Europe/Paris';

/** An embedded store written the way the server writes it (schema from store/migrations.ts). */
function buildSqlite(dir: string): { messages: number; highWater: number } {
  const db = new Database(join(dir, 'im.sqlite'));
  migrate(db);
  const run = (sql: string, rows: unknown[][]) => {
    const st = db.prepare(sql);
    for (const r of rows) st.run(...r);
  };
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  db.transaction(() => {
    run('INSERT INTO meta (key, value) VALUES (?, ?)', [['vapid', '{"publicKey":"k"}'], ['client_id', 'YXA6abc']]);
    run('INSERT INTO users (username, uuid, password_hash, nickname, created, language) VALUES (?, ?, ?, ?, ?, ?)',
      range(USERS).map((i) => [`u${i}`, `uuid-${i}`, `scrypt$16384$s$h${i}`, i % 10 ? `User ${i}` : '', T + i, i % 3 ? '' : 'de']));
    run('INSERT INTO offline_counts (username, n) VALUES (?, ?)', range(USERS / 2).map((i) => [`u${i}`, (i % 7) + 1]));
    run('INSERT INTO tokens (hash, username, expires) VALUES (?, ?, ?)', range(500).map((i) => [`hash${i}`, i % 50 ? `u${i}` : null, T + i * 1000]));
    run('INSERT INTO groups (id, kind, name, owner, created) VALUES (?, ?, ?, ?, ?)', [['100000000000001', 'group', 'all', 'u0', T], ['100000000000002', 'room', 'lobby', 'u1', T + 1]]);
    run('INSERT INTO group_members (group_id, username) VALUES (?, ?)', range(USERS).map((i) => ['100000000000001', `u${i}`]));
    run('INSERT INTO app_settings (username, type, window_start, window_end, duration_until, time_zone) VALUES (?, ?, ?, ?, ?, ?)',
      range(USERS).filter((i) => i % 3 === 0).map((i) => [`u${i}`, ['ALL', 'AT', 'NONE'][i % 9 === 0 ? 1 : i % 2]!, i % 6 ? null : 1320, i % 6 ? null : 420, i % 12 ? 0 : T + 3_600_000, ['Asia/Tokyo', ''][i % 2]!]));
    run('INSERT INTO conv_settings (username, scope, conv_id, type, duration_until, updated) VALUES (?, ?, ?, ?, ?, ?)',
      range(USERS).filter((i) => i % 5 === 0).map((i) => [`u${i}`, 'chatgroup', '100000000000001', [null, 'AT', 'NONE'][i % 3], i % 2 ? T + 600_000 : 0, T]));
    run('INSERT INTO bindings (username, device_id, notifier, token, updated) VALUES (?, ?, ?, ?, ?)',
      range(USERS).filter((i) => i % 2 === 0).map((i) => [`u${i}`, `web-${i}`, 'webpush', `{"endpoint":"https://push.example/${i}"}`, T]));
    run('INSERT INTO devices (username, resource, kicked, last_seen) VALUES (?, ?, ?, ?)', range(USERS).map((i) => [`u${i}`, `web-${i}`, i % 50 ? 0 : 1, T]));
    const m = (n: number) => ({ id: `m${n}`, from: 'u0', to: '100000000000001', conversation: { id: '100000000000001', type: 'groupChat' }, type: 'txt', body: { msg: `x${n}` }, ts: T + n });
    run('INSERT INTO messages (id, sender, json, ts) VALUES (?, ?, ?, ?)', range(12).map((n) => [`m${n}`, 'u0', JSON.stringify(m(n)), T + n]));
    // The last two were removed: SQLite never reuses their seqs, nor may PostgreSQL.
    db.prepare('DELETE FROM messages WHERE seq > 10').run();
    run('INSERT INTO inbox (username, seq, acked) VALUES (?, ?, ?)', range(USERS).map((i) => [`u${i}`, 10, i % 4 ? 0 : 1]));
    run('INSERT INTO device_inbox (username, resource, seq) VALUES (?, ?, ?)', range(USERS).filter((i) => i % 4).map((i) => [`u${i}`, `web-${i}`, 10]));
    // The room's log: m6 and m7 (seqs 7, 8); u1's device acknowledged up to 7, u3's acked 8 out of order.
    run('INSERT INTO group_members (group_id, username, since) VALUES (?, ?, ?)', [['100000000000002', 'u1', 0], ['100000000000002', 'u3', 0]]);
    run('INSERT INTO group_log (seq, group_id, sender) VALUES (?, ?, ?)', [[7, '100000000000002', 'u0'], [8, '100000000000002', 'u0']]);
    run('INSERT INTO group_cursors (username, resource, group_id, upto) VALUES (?, ?, ?, ?)', [['u1', 'web-1', '100000000000002', 7]]);
    run('INSERT INTO group_acks (username, resource, group_id, seq) VALUES (?, ?, ?, ?)', [['u3', 'web-3', '100000000000002', 8]]);
    // The pushed users in rows as the server groups them (JSONB in SQLite, jsonb in PostgreSQL), and
    // two outcomes recorded since: one of a listed device, one of a device that was not.
    const pushed = decisionRows(range(USERS).filter((i) => i % 2 === 0).map((i): NewTrace => [`u${i}`, true, 'PUSH', [{ device_id: `web-${i}`, notifier: 'webpush', result: 'queued' }], undefined, 'AT'])).pushed;
    run('INSERT INTO trace_pushed (seq, lo, hi, reason, via, mention, users) VALUES (?, ?, ?, ?, ?, ?, jsonb(?))', pushed.map((r) => [10, ...r]));
    run('INSERT INTO trace_results (seq, username, device_id, notifier, result) VALUES (?, ?, ?, ?, ?)', [[10, 'u2', 'web-2', 'webpush', 'sent (HTTP 201)'], [10, 'u4', 'tab', '', 'sent']]);
    run('INSERT INTO trace_held (seq, reason, users) VALUES (?, ?, ?)', [
      [10, 'SENDER', '["u0"]'],
      [10, 'NO_BINDING', JSON.stringify(range(USERS).filter((i) => i % 2).map((i) => `u${i}`))],
    ]);
    run('INSERT INTO deliveries (username, device_id, message_seq, badge, language, attempts, due, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      range(USERS).filter((i) => i % 2 === 0).map((i) => [`u${i}`, `web-${i}`, 10, 1, '', i % 3, T + (i % 10), T]));
    run('INSERT INTO stream_pushes (username, device_id, message_id, message_seq, payload, badge, language, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [['u1', 'ext', 'm10', 10, null, 2, 'de', T], ['u1', 'ext', 'test', 0, '{"t":1}', 0, '', T]]);
  })();
  const out = {
    messages: db.prepare('SELECT COUNT(*) FROM messages').pluck().get() as number,
    highWater: db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").pluck().get() as number,
  };
  db.close();
  return out;
}

describe('migrate flags', () => {
  it('says what is wrong with the flags in a sentence', () => {
    const bad = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      try {
        parseArgs(argv, env);
      } catch (e) {
        expect(e).toBeInstanceOf(MigrateError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad(['--postgres', 'postgres://x/db'])).toMatch(/^--data DIR is required/);
    expect(bad(['--data', '/d'])).toMatch(/^--postgres URL \(or DATABASE_URL\) is required/);
    expect(bad(['--data', '/d', '--postgres', 'mysql://x'])).toBe('--postgres must be a postgres:// URL, got "mysql://x"');
    expect(bad(['--data'])).toMatch(/^--data needs a value/);
    expect(bad(['--data', '/d', '--postgres', 'postgres://x', '--batch', '0'])).toMatch(/^--batch must be a whole number/);
    expect(bad(['--data', '/d', '--postgres', 'postgres://x', '--schema', 'Bad-Name'])).toMatch(/^--schema must be/);
    expect(bad(['--frobnicate'])).toMatch(/^unknown option --frobnicate/);
    expect(parseArgs(['--', '--data', '/d'], { DATABASE_URL: 'postgresql://h/db' })).toEqual({ data: '/d', postgres: 'postgresql://h/db' });
    expect(parseArgs(['--data=/d', '--postgres=postgres://h/db', '--batch=100', '--schema', 's1'])).toEqual({ data: '/d', postgres: 'postgres://h/db', batch: 100, schema: 's1' });
  });

  it('refuses a folder without a store', async () => {
    await expect(migrateSqliteToPostgres({ dataDir: tempDir(), url: 'postgres://postgres@127.0.0.1:1/test', log: () => {} })).rejects.toThrow(/^there is no embedded store at .*im\.sqlite/);
  });

  it('refuses a store an older server wrote, saying how to upgrade it', async () => {
    const dir = tempDir();
    const db = new Database(join(dir, 'im.sqlite'));
    migrate(db, 5);
    db.close();
    await expect(migrateSqliteToPostgres({ dataDir: dir, url: 'postgres://postgres@127.0.0.1:1/test', log: () => {} }))
      .rejects.toThrow(/is at schema version 5, this migrator copies version \d+: start the server once on this data folder/);
  });

  it('exits 2 with a sentence when PostgreSQL cannot be reached', async () => {
    const dir = tempDir();
    const db = new Database(join(dir, 'im.sqlite'));
    migrate(db);
    db.close();
    const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/server/migrate/main.ts', '--data', dir, '--postgres', 'postgres://postgres:secret@127.0.0.1:1/test'])
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('cannot reach PostgreSQL at postgres://postgres:***@127.0.0.1:1/test: connection refused');
  });
});

const run = await requirePostgres('migrate test on PostgreSQL');

(run ? describe : describe.skip)('migrate into PostgreSQL', () => {
  const schema = freshSchema();
  const dir = tempDir('impc-migrate-');
  let built: { messages: number; highWater: number };
  beforeAll(() => {
    built = buildSqlite(dir);
  });
  afterAll(() => dropSchema(schema));

  it('copies every table, keeps seqs, verifies counts, and copies nothing the second time', async () => {
    const lines: string[] = [];
    const first = await migrateSqliteToPostgres({ dataDir: dir, url: PG_URL, schema, batch: 1000, log: (l) => lines.push(l) });
    expect(first.ok).toBe(true);
    expect(first.metaConflicts).toEqual([]);
    expect(first.tables.map((t) => t.table)).toEqual([...TABLES]);
    for (const t of first.tables) expect(t.copied, t.table).toBe(t.source);
    const byName = Object.fromEntries(first.tables.map((t) => [t.table, t]));
    expect(byName.users).toMatchObject({ source: USERS, target: USERS });
    expect(byName.messages).toMatchObject({ source: built.messages, target: built.messages });
    expect(byName.deliveries!.source).toBe(USERS / 2);
    expect(lines).toContain(`  users: ${USERS} = ${USERS}`);

    const second = await migrateSqliteToPostgres({ dataDir: dir, url: PG_URL, schema, log: () => {} });
    expect(second.ok).toBe(true);
    expect(second.tables.every((t) => t.copied === 0)).toBe(true);
    expect(second.tables.map((t) => t.target)).toEqual(first.tables.map((t) => t.target));
  });

  it('the PostgreSQL store reads what SQLite held, and new messages continue after the old seqs', async () => {
    const s = await openPostgresStore({ url: PG_URL, schema, defaultTimeZone: ZONE, webpushCert: 'webpush' });
    try {
      expect(await s.settings.app('u6')).toMatchObject({ type: 'ALL', window: { start: 1320, end: 420 }, durationUntil: 0, timeZone: 'Asia/Tokyo' });
      expect(await s.settings.app('u9')).toMatchObject({ type: 'AT', window: null, durationUntil: 0, timeZone: ZONE });
      expect(await s.settings.app('u12')).toMatchObject({ type: 'ALL', window: { start: 1320, end: 420 }, durationUntil: T + 3_600_000, timeZone: 'Asia/Tokyo' });
      expect(await s.settings.app('u1')).toMatchObject({ type: 'ALL', window: null, durationUntil: 0, timeZone: ZONE });
      expect(await s.settings.conversation('u5', 'chatgroup', '100000000000001')).toEqual({ type: 'NONE', durationUntil: T + 600_000 });
      expect(await s.settings.conversation('u15', 'chatgroup', '100000000000001')).toEqual({ durationUntil: T + 600_000 });
      expect((await s.settings.appMany(Array.from({ length: USERS }, (_, i) => `u${i}`))).size).toBe(USERS / 3);
      expect(await s.users.get('u3')).toMatchObject({ uuid: 'uuid-3', nickname: 'User 3', created: T + 3, offline_count: 4, language: 'de' });
      expect(await s.users.passwordHash('u3')).toBe('scrypt$16384$s$h3');
      expect(await s.users.tokenOwner('hash1')).toEqual({ username: 'u1', expires: T + 1000 });
      expect(await s.meta.get('vapid')).toBe('{"publicKey":"k"}');
      expect(await s.groups.members('100000000000002')).toEqual(['u1', 'u3']);
      expect((await s.groups.members('100000000000001')).length).toBe(USERS);
      expect(await s.bindings.of('u2')).toEqual([{ username: 'u2', device_id: 'web-2', notifier: 'webpush', token: '{"endpoint":"https://push.example/2"}' }]);
      expect(await s.bindings.kickedMany(['u0', 'u50', 'u51'])).toHaveLength(2);
      expect((await s.messages.backlog('u1', 'web-1')).map((m) => m.id)).toEqual(['m7', 'm9']);
      expect((await s.messages.backlog('u3', 'web-3')).map((m) => m.id)).toEqual(['m6', 'm9']);
      expect((await s.trace.last('u1', 5))[0]).toMatchObject({ messageId: 'm9', reason: 'NO_BINDING' });
      expect((await s.trace.last('u2', 5))[0]).toMatchObject({ messageId: 'm9', push: true, reason: 'PUSH', mention: 'AT', devices: [{ device_id: 'web-2', notifier: 'webpush', result: 'sent (HTTP 201)' }] });
      expect((await s.trace.last('u4', 5))[0]!.devices).toEqual([{ device_id: 'web-4', notifier: 'webpush', result: 'queued' }, { device_id: 'tab', result: 'sent' }]);
      // Outcomes recorded on PostgreSQL land after the copied ones (the identity moved past them).
      await s.trace.setResult('u4', 10, 'phone', 'sent');
      await s.trace.setResult('u4', 10, 'web-4', 'gone (HTTP 410)', 'webpush');
      expect((await s.trace.last('u4', 5))[0]!.devices).toEqual([
        { device_id: 'web-4', notifier: 'webpush', result: 'gone (HTTP 410)' }, { device_id: 'tab', result: 'sent' }, { device_id: 'phone', result: 'sent' },
      ]);
      expect((await s.deliveries.streamPending('u1', 'ext', T + 1)).map((r) => r.message_id)).toEqual(['m10', 'test']);
      expect(await s.deliveries.count()).toBe(USERS / 2);
      const claimed = await s.deliveries.claim('node-a', T + 100, 5, 60_000);
      expect(claimed).toHaveLength(5);
      expect(claimed[0]).toMatchObject({ message_seq: 10, due: T, token: expect.stringContaining('push.example') });
      const { seq } = await s.commitMessage({
        message: { id: 'after', from: 'u1', to: 'u2', conversation: { id: 'u2', type: 'singleChat' }, type: 'txt', body: { msg: 'hi' }, ts: T + 50 },
        inbox: ['u2'], bumpOffline: [], traces: [], pushed: ['u2'], now: T + 50,
        deliveries: () => ({ webpush: [['u2', 'web-2', 0, '']], stream: [] }),
      });
      expect(seq).toBe(built.highWater + 1);
      expect(await s.deliveries.count()).toBe(USERS / 2 + 1);
    } finally {
      await s.close();
    }
  });

  it('reports differing counts and keys PostgreSQL already had as failures', async () => {
    const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await c.connect();
    await c.query("INSERT INTO users (username, uuid, password_hash, nickname, created) VALUES ('extra', 'uuid-extra', 'h', '', 1)");
    await c.query("UPDATE meta SET value = 'made by a node started too early' WHERE key = 'vapid'");
    await c.end();
    const lines: string[] = [];
    const r = await migrateSqliteToPostgres({ dataDir: dir, url: PG_URL, schema, log: (l) => lines.push(l) });
    expect(r.ok).toBe(false);
    expect(r.metaConflicts).toEqual(['vapid']);
    expect(lines).toContain(`  users: ${USERS} ≠ ${USERS + 1}`);
  });

  it('npm run migrate prints the counts and exits 0 on a complete copy', async () => {
    const fresh = freshSchema();
    try {
      const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/server/migrate/main.ts', '--data', dir, '--postgres', PG_URL, '--schema', fresh]);
      expect(r.stdout).toContain(`  users: ${USERS} = ${USERS}`);
      expect(r.stdout).toContain('done: every table has as many rows in PostgreSQL as in SQLite');
    } finally {
      await dropSchema(fresh);
    }
  });
});

(run ? describe : describe.skip)('a deployment grown from one process into a cluster', () => {
  it('the settings endpoints answer the same on the migrated cluster, and keep working there', async () => {
    const { startTestServer, register, signIn, call, groupsWithIds } = await import('./helpers.ts');
    const { DATABASE_URL, REDIS_URL, dropIsolation, isolation } = await import('../support/services.ts');
    const { buildApp } = await import('../../src/server/app.ts');
    const { makeConfig } = await import('../../src/server/config.ts');
    // 1. An embedded server, used through REST (the way a deployment fills its store).
    const dataDir = tempDir('impc-grow-');
    // (This file runs in the embedded project only: the server here is SQLite in `dataDir`.)
    const one = await startTestServer({ dataDir });
    expect(one.server.ctx.store.engine).toBe('sqlite');
    await register(one, 'ann', 'bob');
    await groupsWithIds(one, ['G1'], ['ann', 'bob']);
    const ann = await signIn(one, 'ann');
    const writes: [string, string, unknown][] = [
      ['PUT', '/users/ann/notification/user/ann', { type: 'AT', ignoreInterval: '22:0-7:0', timeZone: 'Europe/Paris', quietSchedule: [{ days: ['sat', 'sun'], interval: '0:0-0:0' }], keywords: ['deploy'], prioritySenders: ['bob'], summary: true }],
      ['PUT', '/users/ann/notification/chatgroup/G1', { type: 'NONE', ignoreDuration: 3_600_000 }],
      ['PUT', '/users/ann/notification/user/bob', { type: 'ALL' }],
      ['PUT', '/users/ann/notification/language', { translationLanguage: 'zh-Hans' }],
    ];
    for (const [method, path, body] of writes) expect((await call(one.base, method, path, { token: ann, body })).status, path).toBe(200);
    const reads = ['/users/ann/notification/user/ann', '/users/ann/notification/chatgroup/G1', '/users/ann/notification/user/bob', '/users/ann/notification/language',
      '/users/ann/notification?user=bob&group=G1', '/users/ann/notification/mute/type?limit=10'];
    const data = async (base: string, token: string) => Promise.all(reads.map(async (p) => (await call<{ data: unknown }>(base, 'GET', p, { token })).json.data));
    const before = await data(one.base, ann);
    await one.close();

    // 2. Migrated into PostgreSQL, then served by two nodes on it and Redis.
    const iso = isolation();
    try {
      const report = await migrateSqliteToPostgres({ dataDir, url: DATABASE_URL, schema: iso.schema, log: () => {} });
      expect(report.ok).toBe(true);
      const cfg = (nodeId: string) => makeConfig({ dataDir, port: 0, postgres: DATABASE_URL, postgresSchema: iso.schema, redis: REDIS_URL, redisPrefix: iso.prefix, nodeId });
      const nodes = [await buildApp(cfg('a')), await buildApp(cfg('b'))];
      try {
        const bases = (await Promise.all(nodes.map((n) => n.listen()))).map((u) => `${u}/demo/im`);
        // The password and the token survived too: ann signs in on node b with her old password.
        const token = (await call<{ access_token: string }>(bases[1]!, 'POST', '/token', { body: { grant_type: 'password', username: 'ann', password: 'ann' } })).json.access_token;
        for (const base of bases) expect(await data(base, token)).toEqual(before);
        // And the endpoints keep working on the cluster: a write on one node reads back on the other.
        expect((await call(bases[0]!, 'PUT', '/users/ann/notification/user/ann', { token, body: { type: 'ALL', keywords: [] } })).status).toBe(200);
        expect((await call<{ data: { type: string; keywords: string[]; summary: boolean } }>(bases[1]!, 'GET', '/users/ann/notification/user/ann', { token })).json.data)
          .toMatchObject({ type: 'ALL', keywords: [], summary: true });
      } finally {
        for (const n of nodes) await n.close();
      }
    } finally {
      await dropIsolation(iso.schema, iso.prefix);
    }
  });
});
