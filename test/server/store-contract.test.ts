/**
 * The store contract (store/ports.ts): one suite, run against every engine. Each engine gives a
 * store on empty data (`fresh`) and a second store on the same data (`another`: a second node).
 * PostgreSQL uses one schema per file (`t_<random>`, emptied between tests, dropped at the end);
 * when it is unreachable the PostgreSQL case is skipped with a warning, or fails under CI=true.
 * SQLite gets a fresh data folder per test; its `another()` is a second handle on the same file.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AppSettings, ReasonCode } from '../../src/core/index.ts';
import type { ImMessage, MessageCommit, NewDelivery, NewTrace, Store } from '../../src/server/store/ports.ts';
import { migrate } from '../../src/server/store/migrations.ts';
import { openPostgresStore, PG_SCHEMA_VERSION, type PostgresStore } from '../../src/server/store/postgres/index.ts';
import { migratePg } from '../../src/server/store/postgres/migrations.ts';
import { createPool } from '../../src/server/store/postgres/pool.ts';
import { openSqliteStore, type SqliteStore } from '../../src/server/store/sqlite.ts';
import { tempDir } from './helpers.ts';
import { dropSchema, freshSchema, PG_URL, requirePostgres, truncateSchema } from './pg.ts';

/** AppSettings as stored: the reference's fields, and SPEC 1.7's at their defaults. */
const appDefaults = (s: Pick<AppSettings, 'type' | 'window' | 'durationUntil' | 'timeZone'>): AppSettings =>
  ({ ...s, quietSchedule: [], windowSkipUntil: 0, prioritySenders: [], keywords: [], summary: false });

type Kind = 'sqlite' | 'postgres';

interface Harness {
  /** A store on empty data. */
  fresh(): Promise<Store>;
  /** Another store on the data of the last `fresh()` (a second node). */
  another(): Promise<Store>;
  teardown(): Promise<void>;
}

const ZONE = 'Europe/Paris';
const CERT = 'webpush';
const T = 1_750_000_000_000;
const DAY = 86_400_000;

const opened: Store[] = [];
const track = <S extends Store>(s: S): S => (opened.push(s), s);

async function postgresHarness(): Promise<Harness> {
  const schema = freshSchema();
  const open = async () => track(await openPostgresStore({ url: PG_URL, schema, defaultTimeZone: ZONE, webpushCert: CERT, poolSize: 4 }));
  return {
    async fresh() {
      const s = await open();
      await truncateSchema(schema);
      return s;
    },
    another: open,
    teardown: () => dropSchema(schema),
  };
}

function sqliteHarness(): Harness {
  let dir = '';
  return {
    async fresh() {
      dir = tempDir('impc-contract-');
      return track(openSqliteStore(dir, { defaultTimeZone: ZONE, webpushCert: CERT }));
    },
    async another() {
      return track(openSqliteStore(dir, { defaultTimeZone: ZONE, webpushCert: CERT }));
    },
    async teardown() {},
  };
}

const engines: { kind: Kind; harness: Harness | null }[] = [
  { kind: 'sqlite', harness: sqliteHarness() },
  { kind: 'postgres', harness: (await requirePostgres('store contract on PostgreSQL')) ? await postgresHarness() : null },
];

afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
afterAll(async () => {
  for (const e of engines) await e.harness?.teardown();
});

function msg(id: string, from: string, ts: number, to = 'g1'): ImMessage {
  return { id, from, to, conversation: { id: to, type: 'groupChat' }, type: 'txt', body: { msg: `hello ${id}` }, ts };
}

/** A commit with sensible defaults: everyone but the sender gets an inbox row; nothing pushed. */
function commit(m: ImMessage, over: Partial<MessageCommit> = {}): MessageCommit {
  return { message: m, inbox: [], bumpOffline: [], traces: [], pushed: [], now: m.ts, ...over };
}

const held = (u: string, reason: ReasonCode): NewTrace => [u, false, reason, []];

/** Rows in one of the store's tables (what the ports do not show: that acks fold into cursors). */
async function rowsIn(s: Store, table: string): Promise<number> {
  if (s.engine === 'sqlite') return (s as SqliteStore).db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return Number((await c.query(`SELECT COUNT(*) AS n FROM "${(s as PostgresStore).schema}".${table}`)).rows[0].n);
  } finally {
    await c.end();
  }
}

/** The names of the store's tables that start with `prefix`, sorted. */
async function tablesLike(s: Store, prefix: string): Promise<string[]> {
  if (s.engine === 'sqlite') {
    return (s as SqliteStore).db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ORDER BY name").pluck().all(`${prefix}%`) as string[];
  }
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    const r = await c.query<{ t: string }>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE $2 ORDER BY 1', [(s as PostgresStore).schema, `${prefix}%`]);
    return r.rows.map((x) => x.t);
  } finally {
    await c.end();
  }
}

/**
 * Runs `test` on a store whose data a server at schema `version` wrote (`sql`, the same text on
 * both engines), opened (and so migrated) by this one.
 */
async function afterUpgrade(kind: Kind, version: number, sql: string, test: (s: Store) => Promise<void>): Promise<void> {
  if (kind === 'sqlite') {
    const dir = tempDir('impc-contract-');
    const db = new Database(join(dir, 'im.sqlite'));
    migrate(db, version);
    db.exec(sql);
    db.close();
    return test(track(openSqliteStore(dir, { defaultTimeZone: ZONE, webpushCert: CERT })));
  }
  const schema = freshSchema();
  try {
    const { pool } = createPool({ url: PG_URL, schema, poolSize: 1 });
    try {
      await migratePg(pool, schema, version);
      await pool.query(sql);
    } finally {
      await pool.end();
    }
    await test(track(await openPostgresStore({ url: PG_URL, schema, defaultTimeZone: ZONE, webpushCert: CERT, poolSize: 2 })));
  } finally {
    for (const s of opened.splice(0)) await s.close();
    await dropSchema(schema);
  }
}

for (const { kind, harness } of engines) {
  const suite = harness ? describe : describe.skip;
  suite(`store contract: ${kind}`, () => {
    const h = harness!;

    it('says which engine it is and answers ping', async () => {
      const s = await h.fresh();
      expect(s.engine).toBe(kind);
      await s.ping();
    });

    describe('meta', () => {
      it('gets, sets and creates a value once', async () => {
        const s = await h.fresh();
        expect(await s.meta.get('k')).toBeUndefined();
        await s.meta.set('k', 'v1');
        await s.meta.set('k', 'v2');
        expect(await s.meta.get('k')).toBe('v2');
        expect(await s.meta.getOrCreate('key', () => 'first')).toEqual({ value: 'first', created: true });
        let called = false;
        expect(await s.meta.getOrCreate('key', () => ((called = true), 'second'))).toEqual({ value: 'first', created: false });
        expect(called).toBe(false);
      });

      it('getOrCreate from two nodes at once: one value wins and both see it', async () => {
        const a = await h.fresh();
        const b = await h.another();
        const out = await Promise.all([a.meta.getOrCreate('vapid', () => 'from-a'), b.meta.getOrCreate('vapid', () => 'from-b')]);
        expect(out[0].value).toBe(out[1].value);
        expect(out.filter((o) => o.created)).toHaveLength(1);
        expect(await a.meta.get('vapid')).toBe(out[0].value);
      });
    });

    describe('users', () => {
      it('inserts once, reads back, and refuses a taken name', async () => {
        const s = await h.fresh();
        expect(await s.users.insert('ann', 'hash-a', 'Ann', T)).toBe(true);
        expect(await s.users.insert('ann', 'hash-b', 'Other', T + 1)).toBe(false);
        const row = await s.users.get('ann');
        expect(row).toEqual({ username: 'ann', uuid: expect.any(String), nickname: 'Ann', created: T, offline_count: 0, language: '' });
        expect(await s.users.get('nobody')).toBeUndefined();
        expect(await s.users.passwordHash('ann')).toBe('hash-a');
        expect(await s.users.passwordHash('nobody')).toBeUndefined();
        expect(await s.users.insert('bob', 'h', '', T)).toBe(true);
        expect((await s.users.get('bob'))!.uuid).not.toBe(row!.uuid);
      });

      it('stores token hashes with their owner (or the app) and expiry', async () => {
        const s = await h.fresh();
        await s.users.insert('ann', 'h', 'Ann', T);
        await s.users.insertToken('h-user', 'ann', T + 1000);
        await s.users.insertToken('h-app', null, T + 2000);
        expect(await s.users.tokenOwner('h-user')).toEqual({ username: 'ann', expires: T + 1000 });
        expect(await s.users.tokenOwner('h-app')).toEqual({ username: null, expires: T + 2000 });
        expect(await s.users.tokenOwner('h-none')).toBeUndefined();
      });

      it('existing, nickname (the name when empty or unknown), language, push info and offline reset', async () => {
        const s = await h.fresh();
        await s.users.insert('ann', 'h', 'Ann', T);
        await s.users.insert('bob', 'h', '', T);
        expect(await s.users.existing(['ann', 'bob', 'cat', 'ann'])).toEqual(new Set(['ann', 'bob']));
        expect(await s.users.existing([])).toEqual(new Set());
        expect(await s.users.nickname('ann')).toBe('Ann');
        expect(await s.users.nickname('bob')).toBe('bob');
        expect(await s.users.nickname('cat')).toBe('cat');
        await s.users.setLanguage('ann', 'de');
        expect((await s.users.get('ann'))!.language).toBe('de');
        await s.commitMessage(commit(msg('m1', 'sam', T), { inbox: ['ann', 'bob'], bumpOffline: ['ann', 'bob'] }));
        await s.commitMessage(commit(msg('m2', 'sam', T + 1), { inbox: ['ann'], bumpOffline: ['ann'] }));
        expect(await s.users.pushInfo(['ann', 'bob', 'cat'])).toEqual(new Map([['ann', { offline: 2, language: 'de' }], ['bob', { offline: 1, language: '' }]]));
        await s.users.resetOffline('ann');
        expect((await s.users.get('ann'))!.offline_count).toBe(0);
        expect((await s.users.get('bob'))!.offline_count).toBe(1);
      });
    });

    describe('groups', () => {
      it('creates with a 15-digit id, owner and members once each', async () => {
        const s = await h.fresh();
        const g = await s.groups.create('group', 'friends', 'ann', ['bob', 'ann', 'cat', 'bob'], T);
        expect(g).toEqual({ id: expect.stringMatching(/^\d{15}$/), kind: 'group', name: 'friends', owner: 'ann', created: T });
        expect(await s.groups.get(g.id)).toEqual(g);
        expect(await s.groups.get('000000000000000')).toBeUndefined();
        expect(await s.groups.members(g.id)).toEqual(['ann', 'bob', 'cat']);
        const ids = new Set<string>();
        for (let i = 0; i < 20; i++) ids.add((await s.groups.create('room', `r${i}`, 'ann', [], T)).id);
        expect(ids.size).toBe(20);
      });

      it('adds and removes members, answers membership, lists joined groups oldest first, finds by name', async () => {
        const s = await h.fresh();
        const g2 = await s.groups.create('group', 'later', 'bob', ['ann'], T + 10);
        const g1 = await s.groups.create('group', 'first', 'ann', [], T);
        const room = await s.groups.create('room', 'first', 'cat', [], T + 5);
        await s.groups.addMember(g1.id, 'dan');
        await s.groups.addMember(g1.id, 'dan');
        expect(await s.groups.isMember(g1.id, 'dan')).toBe(true);
        expect(await s.groups.isMember(g1.id, 'eve')).toBe(false);
        expect(await s.groups.removeMember(g1.id, 'dan')).toBe(true);
        expect(await s.groups.removeMember(g1.id, 'dan')).toBe(false);
        expect(await s.groups.members(g1.id)).toEqual(['ann']);
        expect((await s.groups.joined('ann')).map((g) => g.id)).toEqual([g1.id, g2.id]);
        expect(await s.groups.joined('nobody')).toEqual([]);
        expect(await s.groups.findByName('group', 'first')).toEqual(g1);
        expect(await s.groups.findByName('room', 'first')).toEqual(room);
        expect(await s.groups.findByName('room', 'none')).toBeUndefined();
        const dup = await s.groups.create('group', 'first', 'eve', [], T + 100);
        expect((await s.groups.findByName('group', 'first'))!.id).toBe(g1.id);
        expect(dup.id).not.toBe(g1.id);
      });
    });

    describe('settings', () => {
      it('defaults, with the server time zone for users who never chose one', async () => {
        const s = await h.fresh();
        expect(await s.settings.app('ann')).toEqual(appDefaults({ type: 'ALL', window: null, durationUntil: 0, timeZone: ZONE }));
        expect(await s.settings.conversation('ann', 'user', 'bob')).toEqual({ durationUntil: 0 });
        expect(await s.settings.appMany(['ann'])).toEqual(new Map());
      });

      it('applies app patches field by field', async () => {
        const s = await h.fresh();
        expect(await s.settings.patchApp('ann', { type: 'AT' }, T)).toEqual(appDefaults({ type: 'AT', window: null, durationUntil: 0, timeZone: ZONE }));
        expect(await s.settings.patchApp('ann', { window: { start: 1320, end: 420 } }, T)).toEqual(appDefaults({ type: 'AT', window: { start: 1320, end: 420 }, durationUntil: 0, timeZone: ZONE }));
        expect(await s.settings.patchApp('ann', { durationMs: 3_600_000 }, T)).toMatchObject({ type: 'AT', durationUntil: T + 3_600_000 });
        expect(await s.settings.patchApp('ann', { timeZone: 'Asia/Tokyo' }, T)).toEqual(appDefaults({ type: 'AT', window: { start: 1320, end: 420 }, durationUntil: T + 3_600_000, timeZone: 'Asia/Tokyo' }));
        expect(await s.settings.patchApp('ann', { durationMs: 0, window: null }, T + 5)).toEqual(appDefaults({ type: 'AT', window: null, durationUntil: 0, timeZone: 'Asia/Tokyo' }));
        expect(await s.settings.app('ann')).toEqual(appDefaults({ type: 'AT', window: null, durationUntil: 0, timeZone: 'Asia/Tokyo' }));
        // A patch that does not touch the zone keeps '' (the server default), it does not freeze today's default.
        expect(await s.settings.patchApp('bob', { type: 'NONE' }, T)).toEqual(appDefaults({ type: 'NONE', window: null, durationUntil: 0, timeZone: ZONE }));
        expect(await s.settings.appMany(['ann', 'bob', 'cat'])).toEqual(new Map([
          ['ann', appDefaults({ type: 'AT', window: null, durationUntil: 0, timeZone: 'Asia/Tokyo' })],
          ['bob', appDefaults({ type: 'NONE', window: null, durationUntil: 0, timeZone: ZONE })],
        ]));
      });

      it('stores the SPEC 1.7 settings and reads them back whole, on their own and in batches', async () => {
        const s = await h.fresh();
        const rules = {
          quietSchedule: [{ days: ['mon', 'fri'] as const, interval: { start: 1320, end: 420 } }],
          windowSkipUntil: T + 3_600_000, prioritySenders: ['boss', 'mum'], keywords: ['release', '发布'], summary: true,
        };
        const next = await s.settings.patchApp('ann', { ...rules, quietSchedule: [{ days: ['mon', 'fri'], interval: { start: 1320, end: 420 } }] }, T);
        expect(next).toMatchObject({ ...rules, type: 'ALL' });
        expect(await s.settings.app('ann')).toEqual(next);
        expect((await s.settings.appMany(['ann'])).get('ann')).toEqual(next);
        // A later patch of another field keeps them; [] / 0 / false clear them.
        expect(await s.settings.patchApp('ann', { type: 'AT' }, T)).toMatchObject({ ...rules, type: 'AT' });
        const cleared = await s.settings.patchApp('ann', { quietSchedule: [], windowSkipUntil: 0, prioritySenders: [], keywords: [], summary: false }, T);
        expect(cleared).toEqual(appDefaults({ type: 'AT', window: null, durationUntil: 0, timeZone: ZONE }));
      });

      it('concurrent app patches from two nodes keep every field', async () => {
        const a = await h.fresh();
        const b = await h.another();
        for (let i = 0; i < 5; i++) {
          const u = `user${i}`;
          await Promise.all([
            a.settings.patchApp(u, { type: 'NONE' }, T),
            b.settings.patchApp(u, { timeZone: 'Asia/Tokyo' }, T),
            a.settings.patchApp(u, { durationMs: 60_000 }, T),
            b.settings.patchApp(u, { window: { start: 60, end: 120 } }, T),
          ]);
          expect(await a.settings.app(u)).toEqual(appDefaults({ type: 'NONE', window: { start: 60, end: 120 }, durationUntil: T + 60_000, timeZone: 'Asia/Tokyo' }));
        }
      });

      it('applies conversation patches and removes a conversation left with nothing set', async () => {
        const s = await h.fresh();
        expect(await s.settings.patchConversation('ann', 'chatgroup', 'g1', { type: 'AT' }, T)).toEqual({ type: 'AT', durationUntil: 0 });
        expect(await s.settings.patchConversation('ann', 'chatgroup', 'g1', { durationMs: 1000 }, T)).toEqual({ type: 'AT', durationUntil: T + 1000 });
        expect(await s.settings.patchConversation('ann', 'chatgroup', 'g1', { type: null }, T)).toEqual({ durationUntil: T + 1000 });
        expect(await s.settings.conversation('ann', 'chatgroup', 'g1')).toEqual({ durationUntil: T + 1000 });
        // Nothing left: no type, duration cleared.
        expect(await s.settings.patchConversation('ann', 'chatgroup', 'g1', { durationMs: 0 }, T)).toEqual({ durationUntil: 0 });
        expect(await s.settings.conversationsOf('ann', 'chatgroup', ['g1'])).toEqual(new Map());
        // A duration already over at `now` and no type counts as nothing set.
        await s.settings.patchConversation('ann', 'user', 'bob', { durationMs: 1000 }, T);
        expect(await s.settings.patchConversation('ann', 'user', 'bob', {}, T + 1000)).toEqual({ durationUntil: 0 });
        expect(await s.settings.conversationsOf('ann', 'user', ['bob'])).toEqual(new Map());
        // Only a duration is kept without a type key.
        await s.settings.patchConversation('bob', 'user', 'ann', { durationMs: 5000 }, T);
        expect(await s.settings.conversation('bob', 'user', 'ann')).toEqual({ durationUntil: T + 5000 });
      });

      it('reads one conversation for many users and many conversations of one user', async () => {
        const s = await h.fresh();
        await s.settings.patchConversation('ann', 'chatgroup', 'g1', { type: 'NONE' }, T);
        await s.settings.patchConversation('bob', 'chatgroup', 'g1', { durationMs: 1000 }, T);
        await s.settings.patchConversation('bob', 'chatgroup', 'g2', { type: 'AT' }, T);
        await s.settings.patchConversation('cat', 'user', 'g1', { type: 'AT' }, T);
        expect(await s.settings.conversationMany('chatgroup', 'g1', ['ann', 'bob', 'cat', 'dan'])).toEqual(new Map([
          ['ann', { type: 'NONE', durationUntil: 0 }],
          ['bob', { durationUntil: T + 1000 }],
        ]));
        expect(await s.settings.conversationsOf('bob', 'chatgroup', ['g1', 'g2', 'g3'])).toEqual(new Map([
          ['g1', { durationUntil: T + 1000 }],
          ['g2', { type: 'AT', durationUntil: 0 }],
        ]));
        expect(await s.settings.conversationMany('chatgroup', 'g1', [])).toEqual(new Map());
      });

      it('pages conversations with their own remind type in byte order of scope, id', async () => {
        const s = await h.fresh();
        for (const [scope, id, type] of [['user', 'zed', 'NONE'], ['chatgroup', 'g2', 'AT'], ['chatgroup', 'g10', 'ALL'], ['user', 'Zed', 'AT'], ['chatgroup', 'g', 'AT'], ['user', 'bob', 'AT']] as const) {
          await s.settings.patchConversation('ann', scope, id, { type }, T);
        }
        await s.settings.patchConversation('ann', 'user', 'amy', { durationMs: 1000 }, T);
        await s.settings.patchConversation('bob', 'user', 'ann', { type: 'NONE' }, T);
        const p1 = await s.settings.remindTypePage('ann', 2, '');
        expect(p1).toEqual({ items: [{ scope: 'chatgroup', id: 'g', type: 'AT' }, { scope: 'chatgroup', id: 'g10', type: 'ALL' }], cursor: 'chatgroup\u001fg10' });
        const p2 = await s.settings.remindTypePage('ann', 2, p1.cursor);
        expect(p2).toEqual({ items: [{ scope: 'chatgroup', id: 'g2', type: 'AT' }, { scope: 'user', id: 'Zed', type: 'AT' }], cursor: 'user\u001fZed' });
        const p3 = await s.settings.remindTypePage('ann', 2, p2.cursor);
        expect(p3).toEqual({ items: [{ scope: 'user', id: 'bob', type: 'AT' }, { scope: 'user', id: 'zed', type: 'NONE' }], cursor: '' });
        expect(await s.settings.remindTypePage('ann', 10, '')).toMatchObject({ cursor: '' });
        expect((await s.settings.remindTypePage('ann', 10, '')).items).toHaveLength(6);
        expect(await s.settings.remindTypePage('nobody', 10, '')).toEqual({ items: [], cursor: '' });
      });

      it('invalidate is accepted (and changes nothing stored)', async () => {
        const s = await h.fresh();
        await s.settings.patchApp('ann', { type: 'AT' }, T);
        s.settings.invalidate({ user: 'ann' });
        s.settings.invalidate({ conversation: { scope: 'chatgroup', id: 'g1' } });
        expect((await s.settings.app('ann')).type).toBe('AT');
      });

      it('a patch on one node is seen by the other at once', async () => {
        const a = await h.fresh();
        const b = await h.another();
        expect((await b.settings.appMany(['ann'])).size).toBe(0);
        await a.settings.patchApp('ann', { type: 'NONE' }, T);
        await a.settings.patchConversation('ann', 'chatgroup', 'g1', { type: 'AT' }, T);
        b.settings.invalidate({ user: 'ann', conversation: { scope: 'chatgroup', id: 'g1' } });
        expect((await b.settings.appMany(['ann'])).get('ann')!.type).toBe('NONE');
        expect((await b.settings.conversationMany('chatgroup', 'g1', ['ann'])).get('ann')).toEqual({ type: 'AT', durationUntil: 0 });
      });
    });

    describe('bindings and devices', () => {
      it('binds, re-binds, unbinds with an empty token, and lists a user\'s bindings in order', async () => {
        const s = await h.fresh();
        await s.bindings.put('ann', 'web', 'webpush', 'tok1', T);
        await s.bindings.put('ann', 'ext', 'stream', 'stream', T);
        await s.bindings.put('ann', 'ext', 'webpush', 'tok2', T);
        await s.bindings.put('ann', 'web', 'webpush', 'tok3', T + 1);
        expect(await s.bindings.of('ann')).toEqual([
          { username: 'ann', device_id: 'ext', notifier: 'stream', token: 'stream' },
          { username: 'ann', device_id: 'ext', notifier: 'webpush', token: 'tok2' },
          { username: 'ann', device_id: 'web', notifier: 'webpush', token: 'tok3' },
        ]);
        await s.bindings.put('ann', 'ext', 'webpush', '', T + 2);
        expect((await s.bindings.of('ann')).map((b) => `${b.device_id}/${b.notifier}`)).toEqual(['ext/stream', 'web/webpush']);
        expect(await s.bindings.of('nobody')).toEqual([]);
      });

      it('removes a binding only while it has the given token', async () => {
        const s = await h.fresh();
        await s.bindings.put('ann', 'web', 'webpush', 'old', T);
        await s.bindings.put('ann', 'web', 'webpush', 'new', T + 1);
        expect(await s.bindings.removeIfToken('ann', 'web', 'webpush', 'old')).toBe(false);
        expect(await s.bindings.of('ann')).toHaveLength(1);
        expect(await s.bindings.removeIfToken('ann', 'web', 'webpush', 'new')).toBe(true);
        expect(await s.bindings.of('ann')).toEqual([]);
      });

      it('many: bindings without tokens by user, no entry for users without any', async () => {
        const s = await h.fresh();
        await s.bindings.put('ann', 'web', 'webpush', 't', T);
        await s.bindings.put('ann', 'ext', 'stream', 'stream', T);
        await s.bindings.put('bob', 'web', 'webpush', 't', T);
        const many = await s.bindings.many(['ann', 'bob', 'cat', 'ann']);
        expect([...many.keys()].sort()).toEqual(['ann', 'bob']);
        const sorted = [...many.get('ann')!].sort((x, y) => x.device_id.localeCompare(y.device_id));
        expect(sorted).toEqual([{ username: 'ann', device_id: 'ext', notifier: 'stream' }, { username: 'ann', device_id: 'web', notifier: 'webpush' }]);
        expect(many.get('bob')).toEqual([{ username: 'bob', device_id: 'web', notifier: 'webpush' }]);
        await s.bindings.put('bob', 'web', 'webpush', '', T);
        s.bindings.invalidate('bob');
        expect((await s.bindings.many(['bob'])).has('bob')).toBe(false);
      });

      it('devices: seen, known, kicked until seen again, touch', async () => {
        const s = await h.fresh();
        expect(await s.bindings.isKnown('ann', 'phone')).toBe(false);
        await s.bindings.seen('ann', 'phone', T);
        expect(await s.bindings.isKnown('ann', 'phone')).toBe(true);
        await s.bindings.kick('ann', 'phone', T + 1);
        await s.bindings.kick('bob', 'tab', T + 1); // unknown device: recorded kicked
        await s.bindings.seen('cat', 'tab', T);
        const kicked = await s.bindings.kickedMany(['ann', 'bob', 'cat']);
        expect([...kicked].sort((x, y) => x.username.localeCompare(y.username))).toEqual([
          { username: 'ann', resource: 'phone', kicked: 1 },
          { username: 'bob', resource: 'tab', kicked: 1 },
        ]);
        expect(await s.bindings.kickedMany(['cat'])).toEqual([]);
        await s.bindings.seen('ann', 'phone', T + 2);
        expect(await s.bindings.kickedMany(['ann'])).toEqual([]);
        // touch keeps a device out of the 30-day clean-up; an unknown device stays unknown.
        await s.bindings.touch('ann', 'phone', T + 40 * DAY);
        await s.bindings.touch('zed', 'none', T);
        expect(await s.bindings.isKnown('zed', 'none')).toBe(false);
        expect((await s.housekeep(T + 41 * DAY)).devices).toBe(2); // bob/tab and cat/tab, not ann/phone
        expect(await s.bindings.isKnown('ann', 'phone')).toBe(true);
      });
    });

    describe('commitMessage, inbox and backlog', () => {
      /** sam writes to g1: ann (two devices, webpush on one), bob (webpush), cat (no device), dan (stream). */
      async function fanOut(s: Store, id = 'm1', ts = T) {
        await s.users.insert('ann', 'h', 'Ann', T);
        await s.users.insert('bob', 'h', 'Bob', T);
        await s.users.insert('cat', 'h', 'Cat', T);
        await s.users.insert('dan', 'h', 'Dan', T);
        await s.users.setLanguage('bob', 'fr');
        await s.bindings.seen('ann', 'ann-web', T);
        await s.bindings.seen('ann', 'ann-phone', T);
        await s.bindings.seen('bob', 'bob-web', T);
        await s.bindings.seen('dan', 'dan-ext', T);
        await s.bindings.put('ann', 'ann-web', CERT, 'tokA', T);
        await s.bindings.put('bob', 'bob-web', CERT, 'tokB', T);
        await s.bindings.put('dan', 'dan-ext', 'stream', 'stream', T);
        const seen: Map<string, { offline: number; language: string }>[] = [];
        const m = msg(id, 'sam', ts);
        const res = await s.commitMessage({
          message: m,
          inbox: ['ann', 'bob', 'cat', 'dan'],
          bumpOffline: ['ann', 'bob', 'dan'],
          traces: [
            held('sam', 'SENDER'),
            ['ann', true, 'PUSH', [{ device_id: 'ann-web', notifier: CERT, result: 'queued' }]],
            ['bob', true, 'PUSH', [{ device_id: 'bob-web', notifier: CERT, result: 'queued' }]],
            held('cat', 'NO_BINDING'),
            ['dan', true, 'PUSH', [{ device_id: 'dan-ext', notifier: 'stream', result: 'pending' }]],
          ],
          pushed: ['ann', 'bob', 'dan'],
          deliveries: (info) => {
            seen.push(new Map(info));
            const row = (u: string, d: string): NewDelivery => [u, d, info.get(u)!.offline, info.get(u)!.language];
            return { webpush: [row('ann', 'ann-web'), row('bob', 'bob-web')], stream: [row('dan', 'dan-ext')] };
          },
          now: ts,
        });
        return { m, res, seen };
      }

      it('keeps via and mention per decision, held ones grouped by them, and the sender', async () => {
        const s = await h.fresh();
        const m = msg('v1', 'sam', T);
        await s.commitMessage({
          message: m, inbox: ['ann', 'bob', 'cat', 'dan'], bumpOffline: [], pushed: [], now: T,
          traces: [
            ['ann', false, 'REMIND_NONE', [], 'PRIORITY_SENDER', 'KEYWORD'],
            ['bob', false, 'REMIND_NONE', [], undefined, 'AT'],
            ['cat', false, 'DND_APP_WINDOW', [], undefined, 'ALL'],
            ['dan', true, 'PUSH', [], 'FORCED', 'DIRECT'],
          ],
        });
        const one = async (u: string) => (await s.trace.last(u, 1))[0];
        expect(await one('ann')).toMatchObject({ messageId: 'v1', from: 'sam', reason: 'REMIND_NONE', via: 'PRIORITY_SENDER', mention: 'KEYWORD', push: false });
        expect(await one('bob')).toMatchObject({ reason: 'REMIND_NONE', mention: 'AT' });
        expect((await one('bob'))!.via).toBeUndefined();
        expect(await one('cat')).toMatchObject({ reason: 'DND_APP_WINDOW', mention: 'ALL' });
        expect(await one('dan')).toMatchObject({ reason: 'PUSH', via: 'FORCED', mention: 'DIRECT', push: true });
      });

      it('counts held messages for summaries in the message transaction, claims due ones once, moves and drops them', async () => {
        const s = await h.fresh();
        const counts = (n: number) => ({ count: n, mentions: 0, since: T, conversations: [] });
        for (const [i, id] of ['s1', 's2'].entries()) {
          await s.commitMessage({
            message: msg(id, 'sam', T + i), inbox: ['ann', 'bob'], bumpOffline: [], pushed: [], now: T + i,
            traces: [held('ann', 'DND_APP_WINDOW'), held('bob', 'DND_APP_DURATION')],
            summaryUsers: ['ann', 'bob'],
            summarize: (cur) => new Map(['ann', 'bob'].map((u) => [u, { counts: counts((cur.get(u)?.count ?? 0) + 1), due: u === 'ann' ? T + 1000 : null }])),
          });
        }
        expect(await s.summaries.get('ann')).toEqual({ username: 'ann', counts: counts(2), due: T + 1000 });
        expect((await s.summaries.get('bob'))?.due).toBeNull();
        expect(await s.summaries.nextDue(T)).toBe(T + 1000);
        expect(await s.summaries.claimDue('node-a', T + 999, 10, 5000)).toEqual([]);
        // Due: one node gets it; the other not while the lease runs, and again once it has run out.
        expect((await s.summaries.claimDue('node-a', T + 1000, 10, 5000)).map((r) => r.username)).toEqual(['ann']);
        expect(await s.summaries.claimDue('node-b', T + 2000, 10, 5000)).toEqual([]);
        expect((await s.summaries.claimDue('node-b', T + 7000, 10, 5000)).map((r) => r.username)).toEqual(['ann']);
        // Moved (settings changed): unclaimed, due later; a sent summary drops it in its own transaction.
        await s.summaries.reschedule('ann', T + 9000);
        expect(await s.summaries.nextDue(T + 7000)).toBe(T + 9000);
        await s.commitMessage({ message: { ...msg('sum', 'ann', T + 9000), kind: 'summary' }, inbox: [], bumpOffline: [], pushed: [], now: T + 9000, traces: [['ann', true, 'SUMMARY', []]], summarySentTo: 'ann' });
        expect(await s.summaries.get('ann')).toBeUndefined();
        expect(await s.trace.last('ann', 1)).toEqual([expect.objectContaining({ messageId: 'sum', reason: 'SUMMARY', push: true })]);
        await s.summaries.drop('bob');
        expect(await s.summaries.get('bob')).toBeUndefined();
      });

      it('stores the message, bumps counts before computing pushes, queues rows and records every decision', async () => {
        const s = await h.fresh();
        const { m, res, seen } = await fanOut(s);
        expect(res).toEqual({ seq: expect.any(Number), queued: 2, stream: [['dan', 'dan-ext', 1, '']] });
        expect(seen).toEqual([new Map([['ann', { offline: 1, language: '' }], ['bob', { offline: 1, language: 'fr' }], ['dan', { offline: 1, language: '' }]])]);
        expect((await s.users.get('ann'))!.offline_count).toBe(1);
        expect((await s.users.get('cat'))!.offline_count).toBe(0);
        expect(await s.deliveries.count()).toBe(2);
        // Every known device of a recipient has the message pending; the sender has nothing.
        expect(await s.messages.backlog('ann', 'ann-web')).toEqual([m]);
        expect(await s.messages.backlog('ann', 'ann-phone')).toEqual([m]);
        expect(await s.messages.backlog('sam', 'any')).toEqual([]);
        expect(await s.messages.backlog('cat', 'cat-new')).toEqual([]);
        expect(await s.deliveries.streamPending('dan', 'dan-ext', T)).toEqual([
          { message_id: 'm1', message_seq: res.seq, payload: null, badge: 1, language: '', message: JSON.stringify(m) },
        ]);
        const trace = async (u: string) => (await s.trace.last(u, 10)).map((e) => [e.messageId, e.push, e.reason, e.devices]);
        expect(await trace('sam')).toEqual([['m1', false, 'SENDER', []]]);
        expect(await trace('ann')).toEqual([['m1', true, 'PUSH', [{ device_id: 'ann-web', notifier: CERT, result: 'queued' }]]]);
        expect(await trace('cat')).toEqual([['m1', false, 'NO_BINDING', []]]);
        expect((await s.trace.last('cat', 1))[0]).toEqual({ messageId: 'm1', ts: T, conversation: m.conversation, from: m.from, push: false, reason: 'NO_BINDING', devices: [] });
        // A second message gets a larger seq and counts again.
        const m2 = msg('m2', 'sam', T + 1);
        const r2 = await s.commitMessage(commit(m2, { inbox: ['ann'], bumpOffline: ['ann'], traces: [held('ann', 'ONLINE')] }));
        expect(r2).toEqual({ seq: expect.any(Number), queued: 0, stream: [] });
        expect(r2.seq).toBeGreaterThan(res.seq);
        expect((await s.users.get('ann'))!.offline_count).toBe(2);
        expect(await s.messages.backlog('ann', 'ann-web')).toEqual([m, m2]);
      });

      it('a commit that throws inside leaves nothing behind', async () => {
        const s = await h.fresh();
        await s.bindings.seen('ann', 'web', T);
        const bad = commit(msg('m1', 'sam', T), {
          inbox: ['ann'], bumpOffline: ['ann'], traces: [held('ann', 'NO_BINDING')], pushed: ['ann'],
          deliveries: () => { throw new Error('boom'); },
        });
        await expect((async () => s.commitMessage(bad))()).rejects.toThrow('boom');
        expect(await s.messages.backlog('ann', 'web')).toEqual([]);
        expect(await s.trace.last('ann', 10)).toEqual([]);
        expect(await s.users.pushInfo(['ann'])).toEqual(new Map());
        expect(await s.deliveries.count()).toBe(0);
        // The same id can be stored afterwards.
        expect((await s.commitMessage(commit(msg('m1', 'sam', T), { inbox: ['ann'] }))).queued).toBe(0);
      });

      it('a new device adopts what no device acknowledged; ack is per device and unknown ids are refused', async () => {
        const s = await h.fresh();
        await s.bindings.seen('ann', 'web', T);
        const m1 = msg('m1', 'sam', T);
        const m2 = msg('m2', 'sam', T + 1);
        await s.commitMessage(commit(m1, { inbox: ['ann'] }));
        await s.commitMessage(commit(m2, { inbox: ['ann'] }));
        expect(await s.messages.ack('ann', 'web', 'm1')).toBe(true);
        expect(await s.messages.ack('ann', 'web', 'nope')).toBe(false);
        expect(await s.messages.backlog('ann', 'web')).toEqual([m2]);
        // A new device inherits only m2 (m1 was acknowledged by a device of ann).
        await s.messages.adoptBacklog('ann', 'phone');
        await s.messages.adoptBacklog('ann', 'phone');
        expect(await s.messages.backlog('ann', 'phone')).toEqual([m2]);
        expect(await s.messages.ack('ann', 'phone', 'm2')).toBe(true);
        expect(await s.messages.backlog('ann', 'phone')).toEqual([]);
        expect(await s.messages.backlog('ann', 'web')).toEqual([m2]);
      });

      it('deviceOnline: a new resource adopts the unacknowledged backlog (and is reported new), a known one does not; seen and unkicked; count reset; summary dropped; only this user', async () => {
        const s = await h.fresh();
        for (const u of ['ann', 'bob']) await s.users.insert(u, 'h', u, T);
        await s.bindings.seen('ann', 'web', T);
        await s.bindings.kick('ann', 'web', T);
        const m1 = msg('m1', 'sam', T);
        const m2 = msg('m2', 'sam', T + 1);
        const counts = { count: 1, mentions: 0, since: T, conversations: [] };
        const held1 = { traces: [held('ann', 'DND_APP_WINDOW'), held('bob', 'DND_APP_WINDOW')], summaryUsers: ['ann', 'bob'],
          summarize: () => new Map(['ann', 'bob'].map((u) => [u, { counts, due: T + 1000 }])) };
        await s.commitMessage(commit(m1, { inbox: ['ann', 'bob'], bumpOffline: ['ann', 'bob'], ...held1 }));
        await s.commitMessage(commit(m2, { inbox: ['ann', 'bob'], bumpOffline: ['ann', 'bob'] }));
        expect(await s.messages.ack('ann', 'web', 'm1')).toBe(true);
        // Known resource: no adoption (its own rows stay as they are), seen again and no longer kicked.
        expect(await s.deviceOnline('ann', 'web', T + 5)).toBe(false);
        expect(await s.messages.backlog('ann', 'web')).toEqual([m2]);
        expect(await s.bindings.kickedMany(['ann'])).toEqual([]);
        expect((await s.bindings.devices('ann')).find((d) => d.resource === 'web')?.last_seen).toBe(T + 5);
        // New resource: inherits m2 only (m1 was acknowledged by a device of ann), and is known now.
        expect(await s.deviceOnline('ann', 'phone', T + 6)).toBe(true);
        expect(await s.messages.backlog('ann', 'phone')).toEqual([m2]);
        expect(await s.bindings.isKnown('ann', 'phone')).toBe(true);
        expect((await s.users.get('ann'))!.offline_count).toBe(0);
        expect(await s.summaries.get('ann')).toBeUndefined();
        // Acked on the new device, then back: a known resource does not adopt again.
        expect(await s.messages.ack('ann', 'phone', 'm2')).toBe(true);
        expect(await s.deviceOnline('ann', 'phone', T + 7)).toBe(false);
        expect(await s.messages.backlog('ann', 'phone')).toEqual([]);
        // Bob untouched.
        expect((await s.users.get('bob'))!.offline_count).toBe(2);
        expect(await s.summaries.get('bob')).toEqual(expect.objectContaining({ username: 'bob' }));
      });

      it('writes a big group in one call: inbox, device rows and counts for every member', async () => {
        const s = await h.fresh();
        const members = Array.from({ length: 2000 }, (_, i) => `u${i}`);
        for (const u of members.slice(0, 50)) await s.bindings.seen(u, `${u}-d`, T);
        const m = msg('big', 'sam', T);
        const res = await s.commitMessage(commit(m, {
          inbox: members, bumpOffline: members,
          traces: members.map((u, i): NewTrace => (i % 2 ? held(u, 'NO_BINDING') : [u, true, 'PUSH', []])),
          pushed: members.filter((_, i) => i % 2 === 0),
          deliveries: (info) => ({ webpush: [...info].map(([u, p]): NewDelivery => [u, `${u}-d`, p.offline, p.language]), stream: [] }),
        }));
        // pushInfo covers existing users only: none of them has an account.
        expect(res.queued).toBe(0);
        expect(await s.messages.backlog('u10', 'u10-d')).toEqual([m]);
        expect(await s.messages.backlog('u1999', 'x')).toEqual([]);
        await s.messages.adoptBacklog('u1999', 'x');
        expect(await s.messages.backlog('u1999', 'x')).toEqual([m]);
        expect((await s.trace.last('u1999', 5))[0]).toMatchObject({ reason: 'NO_BINDING', push: false });
        expect((await s.trace.last('u1998', 5))[0]).toMatchObject({ reason: 'PUSH', push: true });
      });
    });

    describe('group log', () => {
      /** sam, ann (web, phone) and bob (web) in a group; returns the group id and a sender of group messages. */
      async function group(s: Store) {
        for (const u of ['sam', 'ann', 'bob', 'cat']) await s.users.insert(u, 'h', u, T);
        for (const [u, r] of [['sam', 'sam-web'], ['ann', 'web'], ['ann', 'phone'], ['bob', 'web'], ['cat', 'web']]) await s.bindings.seen(u!, r!, T);
        const g = (await s.groups.create('group', 'g', 'sam', ['ann', 'bob'], T)).id;
        let ts = T;
        const send = async (id: string, from = 'sam', traces: NewTrace[] = []) => {
          const m = msg(id, from, ++ts, g);
          await s.commitMessage(commit(m, { group: g, traces }));
          return m;
        };
        return { g, send };
      }
      const ids = (ms: ImMessage[]) => ms.map((m) => m.id);

      it('a group message is one row that every member\'s devices read, oldest first with direct messages; not the sender, not members who joined later', async () => {
        const s = await h.fresh();
        const { g, send } = await group(s);
        const g1 = await send('g1');
        const dm = msg('dm', 'bob', T + 100, 'ann');
        await s.commitMessage(commit(dm, { inbox: ['ann'] }));
        await s.groups.addMember(g, 'cat');
        const g2 = await send('g2', 'ann');
        expect(await s.messages.backlog('ann', 'web')).toEqual([g1, dm]);
        expect(await s.messages.backlog('bob', 'web')).toEqual([g1, g2]);
        expect(await s.messages.backlog('sam', 'sam-web')).toEqual([g2]);
        expect(await s.messages.backlog('cat', 'web')).toEqual([g2]);
        expect(await rowsIn(s, 'group_log')).toBe(2);
        expect(await rowsIn(s, 'inbox')).toBe(1);
        expect(await rowsIn(s, 'device_inbox')).toBe(2);
      });

      it('acks are per device: in order they move the cursor; out of order they wait above it and fold when the gap closes', async () => {
        const s = await h.fresh();
        const { send } = await group(s);
        const [g1, g2] = [await send('g1'), await send('g2')];
        await send('g3');
        const mine = await send('mine', 'ann');
        await send('g4');
        expect(await s.messages.ack('ann', 'web', 'g3')).toBe(true);
        expect(await s.messages.ack('ann', 'web', 'g4')).toBe(true);
        expect(await s.messages.backlog('ann', 'web')).toEqual([g1, g2]);
        expect(await rowsIn(s, 'group_acks')).toBe(2);
        expect(await s.messages.ack('ann', 'web', 'g1')).toBe(true);
        expect(await s.messages.backlog('ann', 'web')).toEqual([g2]);
        // g2 closes the gap: g3, ann's own message and g4 are behind the cursor now, and no ack row is left.
        expect(await s.messages.ack('ann', 'web', 'g2')).toBe(true);
        expect(await s.messages.backlog('ann', 'web')).toEqual([]);
        expect(await rowsIn(s, 'group_acks')).toBe(0);
        // Acking again, or acking one's own message, changes nothing.
        expect(await s.messages.ack('ann', 'web', 'g2')).toBe(true);
        expect(await s.messages.ack('ann', 'web', mine.id)).toBe(true);
        expect(await rowsIn(s, 'group_acks')).toBe(0);
        // The other device and the other member are untouched; the next message is read again.
        expect(ids(await s.messages.backlog('ann', 'phone'))).toEqual(['g1', 'g2', 'g3', 'g4']);
        expect(ids(await s.messages.backlog('bob', 'web'))).toEqual(['g1', 'g2', 'g3', 'mine', 'g4']);
        const g5 = await send('g5');
        expect(await s.messages.backlog('ann', 'web')).toEqual([g5]);
      });

      it('a new device adopts what no device of the user acknowledged: the furthest cursor and the acks above it', async () => {
        const s = await h.fresh();
        const { send } = await group(s);
        for (const id of ['g1', 'g2', 'g3', 'g4', 'g5']) await send(id);
        await s.messages.ack('ann', 'web', 'g1');
        await s.messages.ack('ann', 'web', 'g2');
        await s.messages.ack('ann', 'phone', 'g4');
        expect(await s.deviceOnline('ann', 'tab', T + 50)).toBe(true);
        expect(ids(await s.messages.backlog('ann', 'tab'))).toEqual(['g3', 'g5']);
        // The adopted state is the device's own from then on.
        await s.messages.ack('ann', 'tab', 'g3');
        expect(ids(await s.messages.backlog('ann', 'tab'))).toEqual(['g5']);
        expect(ids(await s.messages.backlog('ann', 'web'))).toEqual(['g3', 'g4', 'g5']);
        // A user's first device ever reads the log from the join on.
        expect(await s.deviceOnline('bob', 'phone', T + 50)).toBe(true);
        expect(ids(await s.messages.backlog('bob', 'phone'))).toEqual(['g1', 'g2', 'g3', 'g4', 'g5']);
      });

      it('a forgotten device\'s cursor stays the user\'s: dropDevice and housekeeping keep it for the next new device', async () => {
        const s = await h.fresh();
        const { send } = await group(s);
        for (const id of ['g1', 'g2', 'g3']) await send(id);
        await s.messages.ack('ann', 'web', 'g1');
        await s.messages.ack('ann', 'phone', 'g1');
        await s.messages.ack('ann', 'phone', 'g2');
        await s.bindings.dropDevice('ann', 'phone');
        await s.bindings.dropDevice('ann', 'web');
        expect(await s.deviceOnline('ann', 'tab', T + 50)).toBe(true);
        expect(ids(await s.messages.backlog('ann', 'tab'))).toEqual(['g3']);
        // Housekeeping forgets bob's device idle for 31 days, and keeps what it acknowledged.
        await s.bindings.seen('bob', 'web', T - 31 * DAY);
        await s.messages.ack('bob', 'web', 'g1');
        const out = await s.housekeep(T);
        expect(out).toMatchObject({ devices: 1, group_cursors: 1 });
        expect(await s.bindings.isKnown('bob', 'web')).toBe(false);
        expect(await s.deviceOnline('bob', 'phone', T + 50)).toBe(true);
        expect(ids(await s.messages.backlog('bob', 'phone'))).toEqual(['g2', 'g3']);
        expect(await s.housekeep(T)).toMatchObject({ group_cursors: 0, group_acks: 0 });
      });

      it('a member who leaves keeps what the group sent meanwhile, as explicit rows; back in the group, they read only what comes after', async () => {
        const s = await h.fresh();
        const { g, send } = await group(s);
        const g1 = await send('g1', 'sam', [['ann', true, 'PUSH', []], held('bob', 'NO_BINDING')]);
        const g2 = await send('g2', 'sam', [held('ann', 'DND_APP_WINDOW')]);
        await send('own', 'ann');
        await s.messages.ack('ann', 'web', 'g1');
        await s.messages.ack('ann', 'phone', 'g2');
        expect(await s.groups.removeMember(g, 'ann')).toBe(true);
        expect(await s.messages.backlog('ann', 'web')).toEqual([g2]);
        expect(await s.messages.backlog('ann', 'phone')).toEqual([g1]);
        // A new device: both were acknowledged by some device.
        expect(await s.deviceOnline('ann', 'tab', T + 50)).toBe(true);
        expect(await s.messages.backlog('ann', 'tab')).toEqual([]);
        expect((await s.trace.last('ann', 10)).map((e) => [e.messageId, e.reason])).toEqual([['g2', 'DND_APP_WINDOW'], ['g1', 'PUSH']]);
        await send('while-out');
        await s.groups.addMember(g, 'ann');
        const g3 = await send('g3');
        expect(await s.messages.backlog('ann', 'web')).toEqual([g2, g3]);
        expect(await s.messages.backlog('ann', 'tab')).toEqual([g3]);
        expect(await s.groups.removeMember(g, 'ann')).toBe(true);
        expect(await s.groups.removeMember(g, 'ann')).toBe(false);
        expect(await rowsIn(s, 'group_cursors')).toBe(0);
      });

      it('explain lists the decisions on a group\'s messages since the member joined, newest first, at most `limit` in all', async () => {
        const s = await h.fresh();
        const { g, send } = await group(s);
        const other = (await s.groups.create('group', 'other', 'sam', ['ann'], T)).id;
        await send('g1', 'sam', [held('ann', 'NO_BINDING'), held('bob', 'NO_BINDING')]);
        await s.groups.addMember(g, 'cat');
        await send('g2', 'sam', [['ann', true, 'PUSH', []], held('cat', 'NO_BINDING')]);
        await s.commitMessage(commit(msg('o1', 'sam', T + 50, other), { group: other, traces: [held('ann', 'ONLINE')] }));
        await send('g3', 'ann', [held('ann', 'SENDER')]);
        expect((await s.trace.last('ann', 10)).map((e) => e.messageId)).toEqual(['g3', 'o1', 'g2', 'g1']);
        expect((await s.trace.last('ann', 2)).map((e) => e.messageId)).toEqual(['g3', 'o1']);
        expect((await s.trace.last('cat', 10)).map((e) => e.messageId)).toEqual(['g2']);
      });

      if (kind === 'postgres') {
        it('a group\'s messages commit one at a time, so its log rows become visible in seq order (a cursor may move to the last row seen)', async () => {
          const s = (await h.fresh()) as PostgresStore;
          const { g, send } = await group(s);
          const other = (await s.groups.create('group', 'other', 'sam', ['ann'], T)).id;
          const c = new pg.Client({ connectionString: PG_URL });
          await c.connect();
          try {
            // Another transaction holds the group, as a commit in progress does.
            await c.query('BEGIN');
            await c.query(`SELECT 1 FROM "${s.schema}".groups WHERE id = $1 FOR UPDATE`, [g]);
            let done = false;
            const waiting = send('g1').then(() => { done = true; });
            // Another group's message is not held up.
            await s.commitMessage(commit(msg('o1', 'sam', T + 5, other), { group: other }));
            await new Promise((r) => setTimeout(r, 300));
            expect(done).toBe(false);
            await c.query('COMMIT');
            await waiting;
            // g1 took its seq after the wait: after o1's.
            expect(ids(await s.messages.backlog('ann', 'web'))).toEqual(['o1', 'g1']);
          } finally {
            await c.end();
          }
        });
      }
    });

    describe('delivery queue', () => {
      async function queue(s: Store, n: number, now = T) {
        const users = Array.from({ length: n }, (_, i) => `u${String(i).padStart(3, '0')}`);
        for (const u of users) await s.users.insert(u, 'h', u, T);
        await s.bindings.put('u000', 'd', CERT, 'tok0', T);
        const m = msg(`q${now}`, 'sam', now);
        const res = await s.commitMessage(commit(m, {
          inbox: users, bumpOffline: users, pushed: users,
          deliveries: (info) => ({ webpush: users.map((u): NewDelivery => [u, 'd', info.get(u)!.offline, 'en']), stream: [] }),
        }));
        return { m, res, users };
      }

      it('claims due rows oldest first with message and current token; a claim holds until its lease ends', async () => {
        const s = await h.fresh();
        const { m, res } = await queue(s, 2);
        expect(await s.deliveries.claim('A', T - 1, 10, 1000)).toEqual([]);
        const rows = await s.deliveries.claim('A', T, 10, 1000);
        expect(rows).toEqual([
          { id: expect.any(Number), message_seq: res.seq, username: 'u000', device_id: 'd', badge: 1, language: 'en', attempts: 0, due: T, message: JSON.stringify(m), token: 'tok0' },
          { id: expect.any(Number), message_seq: res.seq, username: 'u001', device_id: 'd', badge: 1, language: 'en', attempts: 0, due: T, message: JSON.stringify(m), token: null },
        ]);
        expect(rows[0]!.id).toBeLessThan(rows[1]!.id);
        // Held by A until T + 1000.
        expect(await s.deliveries.claim('B', T + 500, 10, 1000)).toEqual([]);
        expect(await s.deliveries.claim('B', T + 1000, 10, 1000)).toEqual([]);
        // A died: after the lease anyone takes them.
        const again = await s.deliveries.claim('B', T + 1001, 1, 1000);
        expect(again.map((r) => r.id)).toEqual([rows[0]!.id]);
      });

      it('retry reschedules and gives up the claim; nextDueAfter ignores claimed rows; done removes', async () => {
        const s = await h.fresh();
        await queue(s, 3);
        const [r1, r2, r3] = await s.deliveries.claim('A', T, 10, 60_000);
        expect(await s.deliveries.nextDueAfter(T)).toBeNull();
        await s.deliveries.retry(r1!.id, 1, T + 5000);
        expect(await s.deliveries.nextDueAfter(T)).toBe(T + 5000);
        expect(await s.deliveries.claim('B', T + 4999, 10, 1000)).toEqual([]);
        const back = await s.deliveries.claim('B', T + 5000, 10, 1000);
        expect(back).toEqual([expect.objectContaining({ id: r1!.id, attempts: 1, due: T + 5000 })]);
        // Claimed rows do not wake anyone, even when due later than `now`.
        expect(await s.deliveries.nextDueAfter(T)).toBeNull();
        await s.deliveries.done(r2!.id);
        await s.deliveries.done(r2!.id);
        expect(await s.deliveries.count()).toBe(2);
        await s.deliveries.retry(r3!.id, 2, T + 100);
        expect(await s.deliveries.nextDueAfter(T)).toBe(T + 100);
        expect(await s.deliveries.nextDueAfter(T + 100)).toBeNull();
      });

      it('a draining node releases its claims to the others', async () => {
        const s = await h.fresh();
        await queue(s, 4);
        const a = await s.deliveries.claim('A', T, 3, 60_000);
        expect(a).toHaveLength(3);
        expect(await s.deliveries.claim('B', T, 10, 60_000)).toHaveLength(1);
        expect(await s.deliveries.release('A')).toBe(3);
        expect(await s.deliveries.release('A')).toBe(0);
        expect((await s.deliveries.claim('C', T + 1, 10, 60_000)).map((r) => r.id)).toEqual(a.map((r) => r.id));
      });

      it('two nodes claiming at once never get the same row', async () => {
        const a = await h.fresh();
        const b = await h.another();
        await queue(a, 60);
        const got: number[] = [];
        for (let round = 0; round < 12; round++) {
          const [x, y] = await Promise.all([a.deliveries.claim('A', T, 4, 60_000), b.deliveries.claim('B', T, 4, 60_000)]);
          got.push(...x.map((r) => r.id), ...y.map((r) => r.id));
        }
        expect(new Set(got).size).toBe(got.length);
        expect(got).toHaveLength(60);
      });

      it('keeps stream pushes for 24 h, replaces one per message and device, and acks them once', async () => {
        const s = await h.fresh();
        const m = msg('m1', 'sam', T);
        const { seq } = await s.commitMessage(commit(m, { inbox: ['ann'] }));
        await s.deliveries.streamPut('ann', 'ext', 'test-1', 0, '{"old":1}', T - 10);
        await s.deliveries.streamPut('ann', 'ext', 'm1', seq, '{"p":1}', T);
        await s.deliveries.streamPut('ann', 'ext', 'test-1', 0, '{"new":1}', T + 1);
        await s.deliveries.streamPut('ann', 'ext', 'old', 0, '{}', T - 25 * 3_600_000);
        await s.deliveries.streamPut('bob', 'ext', 'm1', seq, '{}', T);
        expect(await s.deliveries.streamPending('ann', 'ext', T + 2)).toEqual([
          { message_id: 'm1', message_seq: seq, payload: '{"p":1}', badge: 0, language: '', message: null },
          { message_id: 'test-1', message_seq: 0, payload: '{"new":1}', badge: 0, language: '', message: null },
        ]);
        expect(await s.deliveries.streamAck('ann', 'ext', 'm1')).toBe(seq);
        expect(await s.deliveries.streamAck('ann', 'ext', 'm1')).toBeUndefined();
        expect((await s.deliveries.streamPending('ann', 'ext', T + 2)).map((r) => r.message_id)).toEqual(['test-1']);
        // Past 24 h nothing is pending.
        expect(await s.deliveries.streamPending('ann', 'ext', T + 1 + 24 * 3_600_000)).toEqual([]);
      });

      if (kind === 'postgres') {
        it('wakes listeners on other nodes when rows were queued, also after its connection dropped', async () => {
          const a = (await h.fresh()) as PostgresStore;
          const b = await h.another();
          let wakes = 0;
          await a.onDeliveriesQueued!(() => wakes++);
          await b.commitMessage(commit(msg('x1', 'sam', T), { inbox: ['ann'] }));
          await queue(b, 1);
          await expect.poll(() => wakes, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
          const before = wakes;
          a.dropListenerForTest();
          // Reconnecting wakes once (a NOTIFY may have been missed meanwhile)...
          await expect.poll(() => wakes, { timeout: 5000 }).toBeGreaterThan(before);
          const after = wakes;
          // ...and notifications arrive again.
          await queue(b, 1, T + 10);
          await expect.poll(() => wakes, { timeout: 5000 }).toBeGreaterThan(after);
          // A commit that rolls back wakes nobody.
          await new Promise((r) => setTimeout(r, 300));
          const settled = wakes;
          const bad = commit(msg('rolled-back', 'sam', T), {
            inbox: ['u000'], pushed: ['u000'], traces: [held('sam', 'SENDER')],
            deliveries: () => { throw new Error('decided badly'); },
          });
          await expect((async () => b.commitMessage(bad))()).rejects.toThrow();
          await new Promise((r) => setTimeout(r, 300));
          expect(wakes).toBe(settled);
        });

        it('nodes starting together migrate once', async () => {
          const schema = freshSchema();
          try {
            const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore({ url: PG_URL, schema, defaultTimeZone: ZONE, webpushCert: CERT, poolSize: 2 })));
            for (const s of stores) track(s);
            const c = new pg.Client({ connectionString: PG_URL });
            await c.connect();
            const v = await c.query<{ version: number }>(`SELECT version FROM "${schema}".schema_version`);
            await c.end();
            expect(v.rows).toEqual([{ version: PG_SCHEMA_VERSION }]);
            await stores[0]!.users.insert('ann', 'h', 'Ann', T);
            expect(await stores[2]!.users.existing(['ann'])).toEqual(new Set(['ann']));
          } finally {
            for (const s of opened.splice(0)) await s.close();
            await dropSchema(schema);
          }
        });
      }
    });

    describe('trace', () => {
      it('sets a device\'s outcome, adds a device it did not know, and ignores decisions that were not pushes', async () => {
        const s = await h.fresh();
        const { seq } = await s.commitMessage(commit(msg('m1', 'sam', T), {
          inbox: ['ann', 'bob'],
          traces: [['ann', true, 'PUSH', [{ device_id: 'web', notifier: CERT, result: 'queued' }]], held('bob', 'ONLINE')],
        }));
        await s.trace.setResult('ann', seq, 'web', 'sent');
        await s.trace.setResult('ann', seq, 'web', '410 gone', 'stream');
        await s.trace.setResult('ann', seq, 'tab', 'sent');
        await s.trace.setResult('bob', seq, 'web', 'sent');
        expect((await s.trace.last('ann', 1))[0]!.devices).toEqual([
          { device_id: 'web', notifier: CERT, result: 'sent' },
          { device_id: 'web', notifier: 'stream', result: '410 gone' },
          { device_id: 'tab', result: 'sent' },
        ]);
        expect((await s.trace.last('bob', 1))[0]).toMatchObject({ push: false, reason: 'ONLINE', devices: [] });
      });

      it('lists received and sent decisions newest first, exact names only, at most `limit`', async () => {
        const s = await h.fresh();
        const group = ['bo', 'bob', 'bobby', 'sam'];
        const one = async (id: string, from: string, ts: number, traces: NewTrace[]) =>
          s.commitMessage(commit(msg(id, from, ts), { inbox: group.filter((u) => u !== from), traces }));
        await one('m1', 'sam', T, [held('sam', 'SENDER'), held('bo', 'NO_BINDING'), held('bobby', 'NO_BINDING'), ['bob', true, 'PUSH', []]]);
        await one('m2', 'bob', T + 1, [held('bob', 'SENDER'), held('bo', 'ONLINE'), held('bobby', 'DND_APP_WINDOW'), held('sam', 'NO_BINDING')]);
        await one('m3', 'sam', T + 2, []); // recorded nothing: not listed
        await one('m4', 'sam', T + 3, [held('sam', 'SENDER'), held('bo', 'KICKED'), held('bob', 'KICKED'), held('bobby', 'KICKED')]);
        const ids = async (u: string, limit: number) => (await s.trace.last(u, limit)).map((e) => `${e.messageId}:${e.reason}`);
        expect(await ids('bob', 10)).toEqual(['m4:KICKED', 'm2:SENDER', 'm1:PUSH']);
        expect(await ids('bo', 10)).toEqual(['m4:KICKED', 'm2:ONLINE', 'm1:NO_BINDING']);
        expect(await ids('bobby', 1)).toEqual(['m4:KICKED']);
        // The window is the last `limit` messages; one without a decision (m3) is then left out.
        expect(await ids('bobby', 3)).toEqual(['m4:KICKED', 'm2:DND_APP_WINDOW']);
        expect(await ids('sam', 10)).toEqual(['m4:SENDER', 'm2:NO_BINDING', 'm1:SENDER']);
        expect(await ids('nobody', 10)).toEqual([]);
      });
    });

    describe('trace: pushed decisions and their outcomes', () => {
      const web = { device_id: 'web', notifier: CERT, result: 'queued' };
      const ext = { device_id: 'ext', notifier: 'stream', result: 'pending' };

      it('a pushed user\'s devices keep their order whatever order outcomes come in; a later outcome for a device replaces the earlier', async () => {
        const s = await h.fresh();
        const { seq } = await s.commitMessage(commit(msg('m1', 'sam', T), { inbox: ['ann', 'bob'], traces: [['ann', true, 'PUSH', [web, ext]], ['bob', true, 'PUSH', [web, ext]]] }));
        const devices = async (u: string) => (await s.trace.last(u, 1))[0]!.devices;
        await s.trace.setResult('ann', seq, 'ext', 'delivered', 'stream');
        await s.trace.setResult('ann', seq, 'web', 'retrying (HTTP 503)', CERT);
        await s.trace.setResult('ann', seq, 'web', 'sent (HTTP 201)', CERT);
        await s.trace.setResult('bob', seq, 'web', 'sent (HTTP 201)', CERT);
        await s.trace.setResult('bob', seq, 'ext', 'delivered', 'stream');
        const both = [{ ...web, result: 'sent (HTTP 201)' }, { ...ext, result: 'delivered' }];
        expect(await devices('ann')).toEqual(both);
        expect(await devices('bob')).toEqual(both);
        // An outcome names its notifier: the same device id through another certificate is another device.
        await s.trace.setResult('ann', seq, 'ext', 'gone (HTTP 410)', CERT);
        expect(await devices('ann')).toEqual([...both, { device_id: 'ext', notifier: CERT, result: 'gone (HTTP 410)' }]);
        expect(await devices('bob')).toEqual(both);
      });

      it('outcomes for devices not in the list are appended in the order they first came, and a later one keeps its place', async () => {
        const s = await h.fresh();
        const { seq } = await s.commitMessage(commit(msg('m1', 'sam', T), { inbox: ['ann'], traces: [['ann', true, 'PUSH', [web]]] }));
        await s.trace.setResult('ann', seq, 'tab-2', 'sent', CERT);
        await s.trace.setResult('ann', seq, 'tab-1', 'delivered', 'stream');
        await s.trace.setResult('ann', seq, 'tab-2', 'gone (HTTP 410)', CERT);
        expect((await s.trace.last('ann', 1))[0]!.devices).toEqual([
          web, { device_id: 'tab-2', notifier: CERT, result: 'gone (HTTP 410)' }, { device_id: 'tab-1', notifier: 'stream', result: 'delivered' },
        ]);
      });

      it('a user decided twice in one message: the last pushed decision wins, with its devices, via and mention', async () => {
        const s = await h.fresh();
        await s.commitMessage(commit(msg('m1', 'sam', T), {
          inbox: ['ann', 'bob'],
          traces: [['ann', true, 'PUSH', [web], 'FORCED', 'AT'], ['bob', true, 'PUSH', [web]], ['ann', true, 'PUSH', [ext], undefined, 'ALL'], ['bob', true, 'PUSH', [ext]]],
        }));
        expect(await s.trace.last('ann', 10)).toEqual([expect.objectContaining({ messageId: 'm1', push: true, reason: 'PUSH', mention: 'ALL', devices: [ext] })]);
        expect((await s.trace.last('ann', 1))[0]!.via).toBeUndefined();
        expect(await s.trace.last('bob', 10)).toEqual([expect.objectContaining({ messageId: 'm1', push: true, devices: [ext] })]);
      });

      it('a held and a pushed user of one message each read their own decision, whatever their names', async () => {
        const s = await h.fresh();
        // Names that contain each other, a dot (a JSON path separator) and a key JavaScript objects treat specially.
        const names = ['bo', 'bob', 'bobby', 'a.b', 'a', '__proto__'];
        await s.commitMessage(commit(msg('m1', 'sam', T), {
          inbox: names,
          traces: names.map((u, i): NewTrace => (i % 2 ? [u, true, 'PUSH', [{ ...web, device_id: `${u}-web` }], undefined, 'AT'] : held(u, 'NO_BINDING'))),
        }));
        for (const [i, u] of names.entries()) {
          expect(await s.trace.last(u, 10), u).toEqual([i % 2
            ? { messageId: 'm1', ts: T, conversation: { id: 'g1', type: 'groupChat' }, from: 'sam', push: true, reason: 'PUSH', mention: 'AT', devices: [{ ...web, device_id: `${u}-web` }] }
            : { messageId: 'm1', ts: T, conversation: { id: 'g1', type: 'groupChat' }, from: 'sam', push: false, reason: 'NO_BINDING', devices: [] }]);
        }
      });

      it('a big group\'s pushed users are a few rows, and each user reads their own devices and mention', async () => {
        const s = await h.fresh();
        const members = Array.from({ length: 1000 }, (_, i) => `u${i}`);
        // Two mentions interleave by name, so their rows' name ranges overlap; every fourth member is held.
        const traces = members.map((u, i): NewTrace => (i % 4 === 3 ? held(u, 'ONLINE') : [u, true, 'PUSH', [{ ...web, device_id: `${u}-web` }], undefined, i % 2 ? 'ALL' : 'AT']));
        await s.commitMessage(commit(msg('m1', 'sam', T), { inbox: members, traces }));
        expect(await rowsIn(s, 'trace_pushed')).toBeLessThan(10);
        for (const [i, u] of members.entries()) {
          const e = (await s.trace.last(u, 1))[0]!;
          expect([e.push, e.reason, e.mention, e.devices], u).toEqual(i % 4 === 3 ? [false, 'ONLINE', undefined, []] : [true, 'PUSH', i % 2 ? 'ALL' : 'AT', [{ ...web, device_id: `${u}-web` }]]);
        }
      });

      it('migration 6: decisions an older server stored, a row per user, explain the same and take new outcomes', async () => {
        const json = (id: string, extra: object) => JSON.stringify({ id, from: 'sam', to: 'g1', conversation: { id: 'g1', type: 'groupChat' }, type: 'txt', body: { msg: id }, ts: T, ...extra });
        const many = Array.from({ length: 130 }, (_, i) => `u${String(i).padStart(3, '0')}`);
        const dev = (id: string, notifier: string, result: string) => JSON.stringify({ device_id: id, notifier, result });
        const old = `
          INSERT INTO messages (seq, id, sender, json, ts) VALUES
            (1, 'm1', 'sam', '${json('m1', {})}', ${T}),
            (2, 'sum', 'ann', '${JSON.stringify({ id: 'sum', from: 'ann', to: 'ann', conversation: { id: 'ann', type: 'singleChat' }, type: 'custom', body: { count: 3, mentions: 1, conversations: [{}, {}] }, ts: T + 1, kind: 'summary' })}', ${T + 1});
          INSERT INTO inbox (username, seq) VALUES ('ann', 1), ('a.b', 1), ('bob', 1), ('cat', 1), ${many.map((u) => `('${u}', 1)`).join(', ')};
          INSERT INTO trace (seq, username, push, reason, devices, via, mention) VALUES
            (1, 'ann', 1, 'PUSH', '[${dev('web', CERT, 'sent (HTTP 201)')},{"device_id":"tab","result":"sent"}]', 'FORCED', 'AT'),
            (1, 'a.b', 1, 'PUSH', '[${dev('ext', 'stream', 'pending')}]', '', ''),
            (2, 'ann', 1, 'SUMMARY', '[${dev('web', CERT, 'queued')}]', '', ''),
            (1, 'cat', 0, 'ONLINE', '[]', '', ''),
            ${many.map((u) => `(1, '${u}', 1, 'PUSH', '[${dev(`${u}-web`, CERT, 'queued')}]', '', '')`).join(', ')};
          INSERT INTO trace_held (seq, reason, users, via, mention) VALUES (1, 'SENDER', '["sam"]', '', ''), (1, 'NO_BINDING', '["bob"]', '', '');`;
        await afterUpgrade(kind, 5, old, async (s) => {
          expect(await tablesLike(s, 'trace')).toEqual(['trace_held', 'trace_pushed', 'trace_results']);
          // m1's 131 unmentioned pushes in two rows, ann's mentioned one, the summary.
          expect(await rowsIn(s, 'trace_pushed')).toBe(4);
          const m1 = { messageId: 'm1', ts: T, conversation: { id: 'g1', type: 'groupChat' }, from: 'sam' };
          const annM1 = { ...m1, push: true, reason: 'PUSH', via: 'FORCED', mention: 'AT', devices: [{ device_id: 'web', notifier: CERT, result: 'sent (HTTP 201)' }, { device_id: 'tab', result: 'sent' }] };
          expect(await s.trace.last('ann', 10)).toEqual([
            { messageId: 'sum', ts: T + 1, push: true, reason: 'SUMMARY', summary: { count: 3, mentions: 1, conversations: 2 }, devices: [{ device_id: 'web', notifier: CERT, result: 'queued' }] },
            annM1,
          ]);
          expect(await s.trace.last('a.b', 10)).toEqual([{ ...m1, push: true, reason: 'PUSH', devices: [{ device_id: 'ext', notifier: 'stream', result: 'pending' }] }]);
          expect(await s.trace.last('bob', 10)).toEqual([{ ...m1, push: false, reason: 'NO_BINDING', devices: [] }]);
          expect(await s.trace.last('sam', 10)).toEqual([{ ...m1, push: false, reason: 'SENDER', devices: [] }]);
          // A held decision in the old table (as the first schema's early servers wrote them) joins the held rows.
          expect(await s.trace.last('cat', 10)).toEqual([{ ...m1, push: false, reason: 'ONLINE', devices: [] }]);
          for (const u of many) expect((await s.trace.last(u, 1))[0]!.devices, u).toEqual([{ device_id: `${u}-web`, notifier: CERT, result: 'queued' }]);
          // The converted decision takes outcomes like a new one.
          await s.trace.setResult('ann', 1, 'web', 'gone (HTTP 410)', CERT);
          await s.trace.setResult('ann', 1, 'phone', 'delivered', 'stream');
          expect((await s.trace.last('ann', 10))[1]!.devices).toEqual([
            { device_id: 'web', notifier: CERT, result: 'gone (HTTP 410)' }, { device_id: 'tab', result: 'sent' }, { device_id: 'phone', notifier: 'stream', result: 'delivered' },
          ]);
        });
      });
    });

    describe('jobs (SPEC 9)', () => {
      const job = (payload: string, due = T, key?: string) => ({ kind: 'k', payload, due, ...(key !== undefined ? { key } : {}) });

      it('queues jobs with a message in its transaction, claims them oldest first under a lease, and counts outcomes', async () => {
        const s = await h.fresh();
        await s.jobs.add(job('later', T + 10), T);
        await s.commitMessage(commit(msg('j1', 'sam', T), { jobs: [job('{"first":"ü ✓ \\"q\\""}', T), job('second', T)] }));
        expect(await s.jobs.pending('k')).toBe(3);
        const rows = await s.jobs.claim('A', T, 10, 1000);
        expect(rows.map((r) => [r.kind, r.payload, r.attempts, r.key])).toEqual([['k', '{"first":"ü ✓ \\"q\\""}', 0, null], ['k', 'second', 0, null]]);
        expect(await s.jobs.claim('B', T + 5, 10, 1000)).toEqual([]);
        expect(await s.jobs.nextDueAfter(T)).toBe(T + 10);
        await s.jobs.done(rows[0]!, 'sent', null, T);
        await s.jobs.retry(rows[1]!.id, 1, T + 60, 'HTTP 500');
        const again = await s.jobs.claim('B', T + 60, 10, 1000);
        expect(again.map((r) => [r.payload, r.attempts])).toEqual([['later', 0], ['second', 1]]);
        await s.jobs.done(again[1]!, 'failed', 'HTTP 500', T + 61);
        await s.jobs.done(again[0]!, 'sent', null, T + 62);
        expect(await s.jobs.pending('k')).toBe(0);
        expect(await s.jobs.outcomes()).toEqual([
          { kind: 'k', outcome: 'failed', n: 1, last_error: 'HTTP 500', last_at: T + 61 },
          { kind: 'k', outcome: 'sent', n: 2, last_error: null, last_at: T + 62 },
        ]);
      });

      it('a rolled-back message commit queues no job; a dead node\'s claims come back after the lease or on release', async () => {
        const s = await h.fresh();
        await s.commitMessage(commit(msg('dup', 'sam', T)));
        await expect(Promise.resolve().then(() => s.commitMessage(commit(msg('dup', 'sam', T), { jobs: [job('lost')] })))).rejects.toThrow();
        expect(await s.jobs.pending('k')).toBe(0);
        await s.jobs.add(job('x'), T);
        expect(await s.jobs.claim('A', T, 10, 1000)).toHaveLength(1);
        expect(await s.jobs.claim('B', T + 1001, 10, 1000)).toHaveLength(1);
        expect(await s.jobs.release('B')).toBe(1);
        expect(await s.jobs.claim('C', T + 1001, 10, 1000)).toHaveLength(1);
      });

      it('keeps one pending job per key: a replacement while claimed survives the old one\'s done', async () => {
        const s = await h.fresh();
        await s.jobs.add(job('v1', T + 100, 'mirror:ann:app'), T);
        await s.jobs.add(job('v2', T + 50, 'mirror:ann:app'), T);
        await s.jobs.add(job('other', T, 'mirror:bob:app'), T);
        expect(await s.jobs.pending('k', 'mirror:ann:')).toBe(1);
        const [a] = (await s.jobs.claim('A', T + 50, 10, 1000)).filter((x) => x.key === 'mirror:ann:app');
        expect(a!.payload).toBe('v2');
        await s.jobs.retry(a!.id, 1, T + 60, 'refused');
        expect(await s.jobs.errorOf('mirror:ann:app')).toBe('refused');
        const [b] = (await s.jobs.claim('A', T + 60, 10, 1000)).filter((x) => x.key === 'mirror:ann:app');
        await s.jobs.add(job('v3', T + 70, 'mirror:ann:app'), T + 61);
        await s.jobs.done(b!, 'sent', null, T + 62);
        const [c] = (await s.jobs.claim('A', T + 70, 10, 1000)).filter((x) => x.key === 'mirror:ann:app');
        expect([c!.payload, c!.attempts]).toEqual(['v3', 0]);
        await s.jobs.done(c!, 'sent', null, T + 71);
        expect(await s.jobs.pending('k', 'mirror:ann:')).toBe(0);
      });

      it('accepts a callId once until it expires (housekeeping drops it), queueing its job atomically', async () => {
        const s = await h.fresh();
        expect(await s.jobs.accept('demo#im_1', T + DAY, job('e1'), T)).toBe(true);
        expect(await s.jobs.accept('demo#im_1', T + DAY, job('e1 again'), T + 1)).toBe(false);
        const other = await h.another();
        expect(await other.jobs.accept('demo#im_1', T + DAY, job('e1 from a second node'), T + 2)).toBe(false);
        expect(await s.jobs.pending('k')).toBe(1);
        expect(await s.jobs.accept('demo#im_1', T + 2 * DAY, job('e1 a day later'), T + DAY)).toBe(true);
        expect(await s.jobs.pending('k')).toBe(2);
        expect((await s.housekeep(T + 2 * DAY)).callback_ids).toBe(1);
      });
    });

    describe('housekeep', () => {
      it('removes expired tokens, old decisions, stale stream pushes and idle unbound devices with their rows', async () => {
        const s = await h.fresh();
        const OLD = T - 31 * DAY;
        await s.users.insertToken('expired', 'ann', T - 1);
        await s.users.insertToken('valid', null, T + 1000);
        await s.bindings.seen('ann', 'old-dev', OLD);
        await s.bindings.seen('ann', 'bound-dev', OLD);
        await s.bindings.put('ann', 'bound-dev', CERT, 'tok', OLD);
        await s.bindings.seen('ann', 'new-dev', T);
        const old = msg('old', 'sam', OLD);
        const { seq: oldSeq } = await s.commitMessage(commit(old, {
          inbox: ['ann'], traces: [['ann', true, 'PUSH', []], held('sam', 'SENDER')], pushed: ['ann'],
          deliveries: () => ({ webpush: [], stream: [['ann', 'bound-dev', 0, '']] }),
        }));
        await s.trace.setResult('ann', oldSeq, 'bound-dev', 'delivered', 'stream');
        const fresh = msg('fresh', 'sam', T);
        const { seq: freshSeq } = await s.commitMessage(commit(fresh, { inbox: ['ann', 'bob'], traces: [held('ann', 'ONLINE'), held('sam', 'SENDER'), ['bob', true, 'PUSH', []]] }));
        await s.trace.setResult('bob', freshSeq, 'bob-dev', 'sent', CERT);
        expect(await s.housekeep(T)).toEqual({ tokens: 1, trace_pushed: 1, trace_held: 1, trace_results: 1, stream_pushes: 1, devices: 1, device_inbox: 2, group_cursors: 0, group_acks: 0, callback_ids: 0 });
        expect(await s.users.tokenOwner('expired')).toBeUndefined();
        expect(await s.users.tokenOwner('valid')).toEqual({ username: null, expires: T + 1000 });
        expect(await s.bindings.isKnown('ann', 'old-dev')).toBe(false);
        expect(await s.bindings.isKnown('ann', 'bound-dev')).toBe(true);
        expect(await s.messages.backlog('ann', 'new-dev')).toEqual([old, fresh]);
        expect((await s.trace.last('ann', 10)).map((e) => e.messageId)).toEqual(['fresh']);
        expect((await s.trace.last('sam', 10)).map((e) => e.messageId)).toEqual(['fresh']);
        expect(await s.trace.last('bob', 10)).toEqual([expect.objectContaining({ messageId: 'fresh', devices: [{ device_id: 'bob-dev', notifier: CERT, result: 'sent' }] })]);
        for (const t of ['trace_pushed', 'trace_held', 'trace_results']) expect(await rowsIn(s, t), t).toBe(t === 'trace_held' ? 2 : 1);
        expect(await s.housekeep(T)).toEqual({ tokens: 0, trace_pushed: 0, trace_held: 0, trace_results: 0, stream_pushes: 0, devices: 0, device_inbox: 0, group_cursors: 0, group_acks: 0, callback_ids: 0 });
      });
    });
  });
}
