/**
 * The fan-out reads app and conversation settings through a bounded in-memory cache; every
 * settings write must be seen by the very next fan-out (the database stays the source of truth).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeConfig } from '../../src/server/config.ts';
import { type Context, createContext } from '../../src/server/context.ts';
import { fanOut } from '../../src/server/push/pipeline.ts';
import { BoundedCache } from '../../src/server/store/cache.ts';
import type { ImMessage } from '../../src/server/store/ports.ts';
import type { SqliteStore } from '../../src/server/store/sqlite.ts';
import { createUser } from '../../src/server/accounts.ts';
import { tempDir } from './helpers.ts';

let ctx: Context;
/** The embedded engine's synchronous repositories (these tests look inside SQLite). */
let store: SqliteStore;
let n = 0;
// More than 200 recipients: the conversation is read whole (the path a big group takes).
const crowd = Array.from({ length: 250 }, (_, i) => `m${i}`);
beforeEach(async () => {
  ctx = await createContext(makeConfig({ dataDir: tempDir() }));
  store = ctx.store as SqliteStore;
  for (const u of ['sam', 'bob', 'amy']) await createUser(ctx.store, u, u, u, Date.now());
  const now = Date.now();
  const insert = store.db.prepare("INSERT INTO users (username, uuid, password_hash, nickname, created) VALUES (?, ?, 'x', ?, ?)");
  store.db.transaction(() => crowd.forEach((u) => insert.run(u, `uuid-${u}`, u, now)))();
  for (const u of ['bob', 'amy']) store.bindings.put(u, `${u}-ext`, 'stream', 'stream', now);
});
afterEach(() => ctx.store.close());

/** Sends one group message from sam and returns each named member's decision reason. */
async function reasons(members: string[], ...who: string[]): Promise<string[]> {
  const m: ImMessage = { id: `c${++n}`, from: 'sam', to: 'g', conversation: { id: 'g', type: 'groupChat' }, type: 'txt', body: { msg: 'hi' }, ts: Date.now() };
  await fanOut(ctx, m, members);
  return who.map((u) => store.trace.last(u, 1)[0]?.reason ?? 'none');
}

describe.each([['a small group', ['sam', 'bob', 'amy']], ['a big group', ['sam', 'bob', 'amy', ...crowd]]])('in %s', (_name, members) => {
  it('sees an app settings change at the next fan-out, after the first one cached the old value', async () => {
    expect(await reasons(members, 'bob', 'amy')).toEqual(['PUSH', 'PUSH']);
    store.settings.patchApp('bob', { type: 'NONE' }, Date.now());
    expect(await reasons(members, 'bob', 'amy')).toEqual(['REMIND_NONE', 'PUSH']);
    store.settings.patchApp('bob', { type: 'ALL', durationMs: 3_600_000 }, Date.now());
    expect(await reasons(members, 'bob', 'amy')).toEqual(['DND_APP_DURATION', 'PUSH']);
    store.settings.patchApp('bob', { durationMs: 0 }, Date.now());
    expect(await reasons(members, 'bob', 'amy')).toEqual(['PUSH', 'PUSH']);
  });

  it('sees a conversation settings change (set, then removed) at the next fan-out', async () => {
    expect(await reasons(members, 'bob', 'amy')).toEqual(['PUSH', 'PUSH']);
    store.settings.patchConversation('amy', 'chatgroup', 'g', { type: 'NONE' }, Date.now());
    expect(await reasons(members, 'bob', 'amy')).toEqual(['PUSH', 'REMIND_NONE']);
    store.settings.patchConversation('bob', 'chatgroup', 'g', { durationMs: 600_000 }, Date.now());
    expect(await reasons(members, 'bob', 'amy')).toEqual(['DND_CONVERSATION', 'REMIND_NONE']);
    // Nothing left set: the row is deleted, and the deletion is seen too.
    store.settings.patchConversation('amy', 'chatgroup', 'g', { type: null }, Date.now());
    store.settings.patchConversation('bob', 'chatgroup', 'g', { durationMs: 0 }, Date.now());
    expect(await reasons(members, 'bob', 'amy')).toEqual(['PUSH', 'PUSH']);
  });

  it('does not keep a value whose write was rolled back', async () => {
    expect(await reasons(members, 'bob')).toEqual(['PUSH']);
    expect(() => store.db.transaction(() => {
      store.settings.patchApp('bob', { type: 'NONE' }, Date.now());
      store.settings.patchConversation('bob', 'chatgroup', 'g', { type: 'NONE' }, Date.now());
      throw new Error('abort');
    })()).toThrow('abort');
    expect(await reasons(members, 'bob')).toEqual(['PUSH']);
  });
});

describe('single reads (the settings GET, the policy and advanced switch)', () => {
  it('read a write at once, and do not keep what a rolled-back transaction read of its own write', async () => {
    expect(store.settings.app('bob').type).toBe('ALL');
    store.settings.patchApp('bob', { type: 'AT' }, Date.now());
    expect(store.settings.app('bob').type).toBe('AT');
    expect(() => store.db.transaction(() => {
      store.settings.patchApp('bob', { type: 'NONE' }, Date.now());
      expect(store.settings.app('bob').type).toBe('NONE');
      store.meta.set('advanced', 'false');
      expect(store.meta.get('advanced')).toBe('false');
      throw new Error('abort');
    })()).toThrow('abort');
    expect(store.settings.app('bob').type).toBe('AT');
    expect(store.meta.get('advanced')).toBeUndefined();
    store.meta.set('advanced', 'true');
    expect(await ctx.advanced()).toBe(true);
    store.meta.set('advanced', 'false');
    expect(await ctx.advanced()).toBe(false);
  });

  it('hand out frozen settings, so no reader can change what the next one sees', () => {
    store.settings.patchApp('amy', { type: 'AT' }, Date.now());
    expect(Object.isFrozen(store.settings.app('amy'))).toBe(true);
  });
});

describe('BoundedCache', () => {
  it('never holds more than its bound, keeps recently read entries and forgets deleted ones', async () => {
    const c = new BoundedCache<number, string>(4);
    for (let i = 0; i < 10; i++) c.set(i, `v${i}`);
    expect(c.size).toBeLessThanOrEqual(4);
    expect(c.get(0)).toBeUndefined();
    expect(c.get(9)).toBe('v9');
    c.set(20, 'a');
    expect(c.get(8)).toBe('v8'); // read from the old generation: moved to the young one
    c.set(21, 'b');
    c.set(22, 'c');
    expect(c.get(8)).toBe('v8');
    expect(c.size).toBeLessThanOrEqual(4);
    c.delete(8);
    expect(c.get(8)).toBeUndefined();
    c.set(1, 'x');
    c.set(1, 'y');
    expect(c.get(1)).toBe('y');
  });
});
