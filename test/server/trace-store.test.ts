import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeConfig } from '../../src/server/config.ts';
import { type Context, createContext } from '../../src/server/context.ts';
import { fanOut } from '../../src/server/push/pipeline.ts';
import type { ImMessage } from '../../src/server/store/messages.ts';
import { tempDir } from './helpers.ts';

let ctx: Context;
beforeEach(async () => {
  ctx = createContext(makeConfig({ dataDir: tempDir() }));
  for (const u of ['bo', 'bob', 'bobby', 'sam']) await ctx.users.create(u, u, u, Date.now());
});
afterEach(() => ctx.db.close());

function msg(n: number, from = 'sam'): ImMessage {
  return { id: `m${n}`, from, to: 'g', conversation: { id: 'g', type: 'groupChat' }, type: 'txt', body: { msg: `x${n}` }, ts: Date.now() + n };
}

function deliver(m: ImMessage, members: string[]) {
  const seq = ctx.messages.store(m, members.filter((u) => u !== m.from));
  fanOut(ctx, m, seq, members);
}

it('finds each user\'s own decision, even when one name is part of another', () => {
  ctx.bindings.put('bob', 'b-ext', 'stream', 'stream', Date.now());
  deliver(msg(1), ['sam', 'bo', 'bob', 'bobby']);
  expect(ctx.trace.last('bo', 10)).toEqual([expect.objectContaining({ messageId: 'm1', push: false, reason: 'NO_BINDING', devices: [] })]);
  expect(ctx.trace.last('bob', 10)).toEqual([expect.objectContaining({ messageId: 'm1', push: true, reason: 'PUSH', devices: [{ device_id: 'b-ext', notifier: 'stream', result: 'pending' }] })]);
  expect(ctx.trace.last('sam', 10)).toEqual([expect.objectContaining({ messageId: 'm1', reason: 'SENDER' })]);
});

it('lists a user\'s decisions newest first, received and sent, up to the limit', () => {
  deliver(msg(1), ['sam', 'bob']);
  deliver(msg(2, 'bob'), ['sam', 'bob']);
  deliver(msg(3), ['sam', 'bob']);
  expect(ctx.trace.last('bob', 10).map((t) => [t.messageId, t.reason])).toEqual([['m3', 'NO_BINDING'], ['m2', 'SENDER'], ['m1', 'NO_BINDING']]);
  expect(ctx.trace.last('bob', 2).map((t) => t.messageId)).toEqual(['m3', 'm2']);
  expect(ctx.trace.last('bobby', 10)).toEqual([]);
});
