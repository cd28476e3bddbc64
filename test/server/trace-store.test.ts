import { afterEach, beforeEach, expect, it } from 'vitest';
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
beforeEach(async () => {
  ctx = await createContext(makeConfig({ dataDir: tempDir() }));
  store = ctx.store as SqliteStore;
  for (const u of ['bo', 'bob', 'bobby', 'sam']) await createUser(ctx.store, u, u, u, Date.now());
});
afterEach(() => ctx.store.close());

function msg(n: number, from = 'sam'): ImMessage {
  return { id: `m${n}`, from, to: 'g', conversation: { id: 'g', type: 'groupChat' }, type: 'txt', body: { msg: `x${n}` }, ts: Date.now() + n };
}

async function deliver(m: ImMessage, members: string[]) {
  await fanOut(ctx, m, members);
}

it('finds each user\'s own decision, even when one name is part of another', async () => {
  store.bindings.put('bob', 'b-ext', 'stream', 'stream', Date.now());
  await deliver(msg(1), ['sam', 'bo', 'bob', 'bobby']);
  expect(store.trace.last('bo', 10)).toEqual([expect.objectContaining({ messageId: 'm1', push: false, reason: 'NO_BINDING', devices: [] })]);
  expect(store.trace.last('bob', 10)).toEqual([expect.objectContaining({ messageId: 'm1', push: true, reason: 'PUSH', devices: [{ device_id: 'b-ext', notifier: 'stream', result: 'pending' }] })]);
  expect(store.trace.last('sam', 10)).toEqual([expect.objectContaining({ messageId: 'm1', reason: 'SENDER' })]);
});

it('lists a user\'s decisions newest first, received and sent, up to the limit', async () => {
  await deliver(msg(1), ['sam', 'bob']);
  await deliver(msg(2, 'bob'), ['sam', 'bob']);
  await deliver(msg(3), ['sam', 'bob']);
  expect(store.trace.last('bob', 10).map((t) => [t.messageId, t.reason])).toEqual([['m3', 'NO_BINDING'], ['m2', 'SENDER'], ['m1', 'NO_BINDING']]);
  expect(store.trace.last('bob', 2).map((t) => t.messageId)).toEqual(['m3', 'm2']);
  expect(store.trace.last('bobby', 10)).toEqual([]);
});
