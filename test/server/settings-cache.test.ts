/**
 * The fan-out reads app and conversation settings through a bounded in-memory cache; every
 * settings write must be seen by the very next fan-out (the database stays the source of truth).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeConfig } from '../../src/server/config.ts';
import { type Context, createContext } from '../../src/server/context.ts';
import { fanOut } from '../../src/server/push/pipeline.ts';
import { BoundedCache } from '../../src/server/store/cache.ts';
import type { ImMessage } from '../../src/server/store/messages.ts';
import { tempDir } from './helpers.ts';

let ctx: Context;
let n = 0;
// More than 200 recipients: the conversation is read whole (the path a big group takes).
const crowd = Array.from({ length: 250 }, (_, i) => `m${i}`);
beforeEach(async () => {
  ctx = createContext(makeConfig({ dataDir: tempDir() }));
  for (const u of ['sam', 'bob', 'amy']) await ctx.users.create(u, u, u, Date.now());
  const now = Date.now();
  const insert = ctx.db.prepare("INSERT INTO users (username, uuid, password_hash, nickname, created) VALUES (?, ?, 'x', ?, ?)");
  ctx.db.transaction(() => crowd.forEach((u) => insert.run(u, `uuid-${u}`, u, now)))();
  for (const u of ['bob', 'amy']) ctx.bindings.put(u, `${u}-ext`, 'stream', 'stream', now);
});
afterEach(() => ctx.db.close());

/** Sends one group message from sam and returns each named member's decision reason. */
function reasons(members: string[], ...who: string[]): string[] {
  const m: ImMessage = { id: `c${++n}`, from: 'sam', to: 'g', conversation: { id: 'g', type: 'groupChat' }, type: 'txt', body: { msg: 'hi' }, ts: Date.now() };
  const seq = ctx.messages.store(m, members.filter((u) => u !== 'sam'));
  fanOut(ctx, m, seq, members);
  return who.map((u) => ctx.trace.last(u, 1)[0]?.reason ?? 'none');
}

describe.each([['a small group', ['sam', 'bob', 'amy']], ['a big group', ['sam', 'bob', 'amy', ...crowd]]])('in %s', (_name, members) => {
  it('sees an app settings change at the next fan-out, after the first one cached the old value', () => {
    expect(reasons(members, 'bob', 'amy')).toEqual(['PUSH', 'PUSH']);
    ctx.settings.patchApp('bob', { type: 'NONE' }, Date.now());
    expect(reasons(members, 'bob', 'amy')).toEqual(['REMIND_NONE', 'PUSH']);
    ctx.settings.patchApp('bob', { type: 'ALL', durationMs: 3_600_000 }, Date.now());
    expect(reasons(members, 'bob', 'amy')).toEqual(['DND_APP_DURATION', 'PUSH']);
    ctx.settings.patchApp('bob', { durationMs: 0 }, Date.now());
    expect(reasons(members, 'bob', 'amy')).toEqual(['PUSH', 'PUSH']);
  });

  it('sees a conversation settings change (set, then removed) at the next fan-out', () => {
    expect(reasons(members, 'bob', 'amy')).toEqual(['PUSH', 'PUSH']);
    ctx.settings.patchConversation('amy', 'chatgroup', 'g', { type: 'NONE' }, Date.now());
    expect(reasons(members, 'bob', 'amy')).toEqual(['PUSH', 'REMIND_NONE']);
    ctx.settings.patchConversation('bob', 'chatgroup', 'g', { durationMs: 600_000 }, Date.now());
    expect(reasons(members, 'bob', 'amy')).toEqual(['DND_CONVERSATION', 'REMIND_NONE']);
    // Nothing left set: the row is deleted, and the deletion is seen too.
    ctx.settings.patchConversation('amy', 'chatgroup', 'g', { type: null }, Date.now());
    ctx.settings.patchConversation('bob', 'chatgroup', 'g', { durationMs: 0 }, Date.now());
    expect(reasons(members, 'bob', 'amy')).toEqual(['PUSH', 'PUSH']);
  });

  it('does not keep a value whose write was rolled back', () => {
    expect(reasons(members, 'bob')).toEqual(['PUSH']);
    expect(() => ctx.db.transaction(() => {
      ctx.settings.patchApp('bob', { type: 'NONE' }, Date.now());
      ctx.settings.patchConversation('bob', 'chatgroup', 'g', { type: 'NONE' }, Date.now());
      throw new Error('abort');
    })()).toThrow('abort');
    expect(reasons(members, 'bob')).toEqual(['PUSH']);
  });
});

describe('BoundedCache', () => {
  it('never holds more than its bound, keeps recently read entries and forgets deleted ones', () => {
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
