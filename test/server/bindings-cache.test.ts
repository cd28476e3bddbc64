/**
 * The fan-out reads bindings through a bounded in-memory cache; every bind, unbind and
 * token-checked removal must be seen by the very next fan-out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeConfig } from '../../src/server/config.ts';
import { type Context, createContext } from '../../src/server/context.ts';
import { fanOut } from '../../src/server/push/pipeline.ts';
import type { ImMessage } from '../../src/server/store/ports.ts';
import type { SqliteStore } from '../../src/server/store/sqlite.ts';
import { createUser } from '../../src/server/accounts.ts';
import { tempDir } from './helpers.ts';

let ctx: Context;
/** The embedded engine's synchronous repositories (these tests look inside SQLite). */
let store: SqliteStore;
let n = 0;
const crowd = Array.from({ length: 250 }, (_, i) => `m${i}`);
beforeEach(async () => {
  ctx = await createContext(makeConfig({ dataDir: tempDir() }));
  store = ctx.store as SqliteStore;
  for (const u of ['sam', 'bob']) await createUser(ctx.store, u, u, u, Date.now());
  const insert = store.db.prepare("INSERT INTO users (username, uuid, password_hash, nickname, created) VALUES (?, ?, 'x', ?, ?)");
  store.db.transaction(() => crowd.forEach((u) => insert.run(u, `uuid-${u}`, u, Date.now())))();
});
afterEach(() => ctx.store.close());

/** Sends one group message from sam; returns bob's decision: reason and the devices pushed to. */
async function bob(members: string[]): Promise<[string, string[]]> {
  const m: ImMessage = { id: `b${++n}`, from: 'sam', to: 'g', conversation: { id: 'g', type: 'groupChat' }, type: 'txt', body: { msg: 'hi' }, ts: Date.now() };
  await fanOut(ctx, m, members);
  const t = store.trace.last('bob', 1)[0]!;
  return [t.reason, t.devices.map((d) => `${d.device_id}/${d.notifier}`).sort()];
}

describe.each([['a small group', ['sam', 'bob']], ['a big group', ['sam', 'bob', ...crowd]]])('in %s', (_name, members) => {
  it('sees every bind and unbind at the next fan-out, after earlier ones cached the old list', async () => {
    expect(await bob(members)).toEqual(['NO_BINDING', []]);
    store.bindings.put('bob', 'ext-1', 'stream', 'stream', Date.now());
    expect(await bob(members)).toEqual(['PUSH', ['ext-1/stream']]);
    store.bindings.put('bob', 'ext-2', 'stream', 'stream', Date.now());
    expect(await bob(members)).toEqual(['PUSH', ['ext-1/stream', 'ext-2/stream']]);
    store.bindings.put('bob', 'ext-1', 'stream', '', Date.now());
    expect(await bob(members)).toEqual(['PUSH', ['ext-2/stream']]);
    expect(store.bindings.removeIfToken('bob', 'ext-2', 'stream', 'other')).toBe(false);
    expect(await bob(members)).toEqual(['PUSH', ['ext-2/stream']]);
    expect(store.bindings.removeIfToken('bob', 'ext-2', 'stream', 'stream')).toBe(true);
    expect(await bob(members)).toEqual(['NO_BINDING', []]);
  });

  it('does not keep a binding whose write was rolled back', async () => {
    expect(await bob(members)).toEqual(['NO_BINDING', []]);
    expect(() => store.db.transaction(() => {
      store.bindings.put('bob', 'ext-1', 'stream', 'stream', Date.now());
      throw new Error('abort');
    })()).toThrow('abort');
    expect(await bob(members)).toEqual(['NO_BINDING', []]);
  });
});

it('lists each binding once even when a recipient is named twice', async () => {
  store.bindings.put('bob', 'ext-1', 'stream', 'stream', Date.now());
  expect([...store.bindings.many(['bob', 'bob', 'sam'])]).toEqual([['bob', [{ username: 'bob', device_id: 'ext-1', notifier: 'stream' }]]]);
  expect([...store.bindings.many(['bob', 'bob'])]).toEqual([['bob', [{ username: 'bob', device_id: 'ext-1', notifier: 'stream' }]]]);
});
