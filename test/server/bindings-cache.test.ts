/**
 * The fan-out reads bindings through a bounded in-memory cache; every bind, unbind and
 * token-checked removal must be seen by the very next fan-out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeConfig } from '../../src/server/config.ts';
import { type Context, createContext } from '../../src/server/context.ts';
import { fanOut } from '../../src/server/push/pipeline.ts';
import type { ImMessage } from '../../src/server/store/messages.ts';
import { tempDir } from './helpers.ts';

let ctx: Context;
let n = 0;
const crowd = Array.from({ length: 250 }, (_, i) => `m${i}`);
beforeEach(async () => {
  ctx = createContext(makeConfig({ dataDir: tempDir() }));
  for (const u of ['sam', 'bob']) await ctx.users.create(u, u, u, Date.now());
  const insert = ctx.db.prepare("INSERT INTO users (username, uuid, password_hash, nickname, created) VALUES (?, ?, 'x', ?, ?)");
  ctx.db.transaction(() => crowd.forEach((u) => insert.run(u, `uuid-${u}`, u, Date.now())))();
});
afterEach(() => ctx.db.close());

/** Sends one group message from sam; returns bob's decision: reason and the devices pushed to. */
function bob(members: string[]): [string, string[]] {
  const m: ImMessage = { id: `b${++n}`, from: 'sam', to: 'g', conversation: { id: 'g', type: 'groupChat' }, type: 'txt', body: { msg: 'hi' }, ts: Date.now() };
  const seq = ctx.messages.store(m, members.filter((u) => u !== 'sam'));
  fanOut(ctx, m, seq, members);
  const t = ctx.trace.last('bob', 1)[0]!;
  return [t.reason, t.devices.map((d) => `${d.device_id}/${d.notifier}`).sort()];
}

describe.each([['a small group', ['sam', 'bob']], ['a big group', ['sam', 'bob', ...crowd]]])('in %s', (_name, members) => {
  it('sees every bind and unbind at the next fan-out, after earlier ones cached the old list', () => {
    expect(bob(members)).toEqual(['NO_BINDING', []]);
    ctx.bindings.put('bob', 'ext-1', 'stream', 'stream', Date.now());
    expect(bob(members)).toEqual(['PUSH', ['ext-1/stream']]);
    ctx.bindings.put('bob', 'ext-2', 'stream', 'stream', Date.now());
    expect(bob(members)).toEqual(['PUSH', ['ext-1/stream', 'ext-2/stream']]);
    ctx.bindings.put('bob', 'ext-1', 'stream', '', Date.now());
    expect(bob(members)).toEqual(['PUSH', ['ext-2/stream']]);
    expect(ctx.bindings.removeIfToken('bob', 'ext-2', 'stream', 'other')).toBe(false);
    expect(bob(members)).toEqual(['PUSH', ['ext-2/stream']]);
    expect(ctx.bindings.removeIfToken('bob', 'ext-2', 'stream', 'stream')).toBe(true);
    expect(bob(members)).toEqual(['NO_BINDING', []]);
  });

  it('does not keep a binding whose write was rolled back', () => {
    expect(bob(members)).toEqual(['NO_BINDING', []]);
    expect(() => ctx.db.transaction(() => {
      ctx.bindings.put('bob', 'ext-1', 'stream', 'stream', Date.now());
      throw new Error('abort');
    })()).toThrow('abort');
    expect(bob(members)).toEqual(['NO_BINDING', []]);
  });
});

it('lists each binding once even when a recipient is named twice', () => {
  ctx.bindings.put('bob', 'ext-1', 'stream', 'stream', Date.now());
  expect([...ctx.bindings.many(['bob', 'bob', 'sam'])]).toEqual([['bob', [{ username: 'bob', device_id: 'ext-1', notifier: 'stream' }]]]);
  expect([...ctx.bindings.many(['bob', 'bob'])]).toEqual([['bob', [{ username: 'bob', device_id: 'ext-1', notifier: 'stream' }]]]);
});
