/** Every muted chat in one list: known chats (pushes, groups, changes) read in batches of 20, with names. */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../src/background/handlers/api.ts';
import type { Ctx } from '../../../src/background/handlers/context.ts';
import { handlePushPayload } from '../../../src/background/handlers/incoming.ts';
import { makeCtx, otherDevice, type RealServer, type RequestLog, resetBrowser, startServer, stopCtx } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

let srv: RealServer;
let ctx: Ctx;
let log: RequestLog;
const HOUR = 3_600_000;

beforeEach(async () => {
  resetBrowser();
  srv = await startServer();
  log = [];
  ctx = await makeCtx({ log, browser: { showNotification: async () => undefined } });
  await api.signIn(ctx, { serverUrl: srv.url, appKey: 'demo#im', username: 'alice', password: 'alice' });
  await ctx.runtime.refreshing?.catch(() => undefined);
  await ctx.runtime.registering?.catch(() => undefined);
});
afterEach(async () => {
  stopCtx(ctx);
  await srv?.cleanup();
});

const push = (m: string, f: string, title: string, conversation = { id: f, type: 'singleChat' }) => ({
  v: 1, kind: 'message', m, t: 'alice', f, conversation, title, body: 'hi', badge: 1, ts: 1,
});

describe('listConversations', () => {
  it('lists a chat muted for a while without a mode (the server\'s mute/type list misses it), with the group\'s name and the sender\'s nickname', async () => {
    const phone = await otherDevice(srv.url, 'alice');
    // Made on another device: a timed mute only (no remind type) on the demo group, and a mode for bob.
    await phone.setSilentModeForConversation({ conversationId: srv.demoGroupId, type: 'groupChat', options: { paramType: 1, duration: 2 * HOUR } });
    await phone.setSilentModeForConversation({ conversationId: 'bob', type: 'singleChat', options: { paramType: 0, remindType: 'NONE' } });
    const mutedOnly = (await phone.getSilentModeRemindTypeConversations({ pageSize: 100 })).data as { conversations: Array<{ group?: string }> };
    expect(mutedOnly.conversations.some((c) => c.group === srv.demoGroupId)).toBe(false);
    // carol wrote (a recent chat); her nickname comes with the push.
    await handlePushPayload(ctx, push('m1', 'carol', 'Carol C.'));

    log.length = 0;
    const { items, stale } = await api.listConversations(ctx);
    expect(stale).toBe(false);
    const byId = Object.fromEntries(items.map((v) => [v.conversation.id, v]));
    expect(byId[srv.demoGroupId]).toMatchObject({ conversation: { type: 'groupChat' }, name: 'Demo group', settings: { durationUntil: expect.any(Number) } });
    expect(byId[srv.demoGroupId]!.settings.type).toBeUndefined();
    expect(byId[srv.demoGroupId]!.settings.durationUntil).toBeGreaterThan(Date.now() + HOUR);
    expect(byId.bob).toMatchObject({ conversation: { type: 'singleChat' }, settings: { type: 'NONE' } });
    expect(byId.carol).toMatchObject({ name: 'Carol C.', settings: { durationUntil: 0 } });
    expect(log).toContain('GET /demo/im/users/alice/joined_chatgroups');
    expect(log.filter((l) => l.startsWith('GET /demo/im/users/alice/notification?'))).toHaveLength(1);
  });

  it('reads settings of more than 20 known chats in batches of 20', async () => {
    for (let i = 0; i < 25; i++) await handlePushPayload(ctx, push(`m${i}`, `user${i}`, `User ${i}`));
    log.length = 0;
    const { items } = await api.listConversations(ctx);
    expect(items.length).toBeGreaterThanOrEqual(26);
    const batches = log.filter((l) => l.startsWith('GET /demo/im/users/alice/notification?'));
    expect(batches).toHaveLength(2);
    for (const b of batches) {
      const q = new URL(`http://x${b.slice(4)}`).searchParams;
      const ids = [...(q.get('user')?.split(',') ?? []), ...(q.get('group')?.split(',') ?? [])];
      expect(ids.length).toBeLessThanOrEqual(20);
    }
  });

  it('forgets the oldest recent chats beyond 200, but never one with a setting', async () => {
    await api.setConversation(ctx, { conversation: { id: 'old-muted', type: 'singleChat' }, remindType: 'NONE' });
    let now = 1_000;
    const clocked = { ...ctx, now: () => now++ };
    for (let i = 0; i < 205; i++) await handlePushPayload(clocked, push(`p${i}`, `peer${i}`, `Peer ${i}`));
    const ids = new Set((await ctx.db.allConversations()).map((c) => c.conversation.id));
    expect(ids.has('old-muted')).toBe(true);
    for (let i = 0; i < 5; i++) expect(ids.has(`peer${i}`)).toBe(false);
    expect(ids.has('peer5')).toBe(true);
    expect(ids.has('peer204')).toBe(true);
  });

  it('keeps a name across changes, marks a queued change as pending, and falls back to the cache when the server is down', async () => {
    await api.listConversations(ctx);
    await srv.stop();
    const v = await api.setConversation(ctx, { conversation: { id: srv.demoGroupId, type: 'groupChat' }, durationMs: HOUR });
    expect(v).toMatchObject({ name: 'Demo group', pending: true, settings: { durationUntil: expect.any(Number) } });
    const status = await api.getStatus(ctx, { tabUrl: '' });
    expect(status.pendingChanges).toEqual([{ kind: 'conversation', conversation: { id: srv.demoGroupId, type: 'groupChat' } }]);
    expect(status.syncProblem).toBe('unreachable');
    expect(status.nextRetryAt).toBeGreaterThan(Date.now());
    const offline = await api.listConversations(ctx);
    expect(offline.stale).toBe(true);
    expect(offline.items.find((i) => i.conversation.id === srv.demoGroupId)).toMatchObject({ name: 'Demo group', pending: true });
  });
});
