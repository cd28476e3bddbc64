/** Pushes become notifications once per message id, whichever channel brings them. */
import { fakeBrowser } from '@webext-core/fake-browser';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { NotificationRequest } from '../../../src/background/handlers/deps.ts';
import { handlePushPayload } from '../../../src/background/handlers/incoming.ts';
import { handleNotificationClick, MUTE_ACTION } from '../../../src/background/handlers/notifications.ts';
import { SESSION_KEY } from '../../../src/background/handlers/session.ts';
import { makeCtx, resetBrowser } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

const push = (m: string, over: Record<string, unknown> = {}) => ({
  v: 1, m, t: 'alice', f: 'bob', conversation: { id: 'bob', type: 'singleChat' }, title: 'Bob', body: 'hello', badge: 2, ts: 1, ...over,
});

beforeEach(resetBrowser);

describe('handlePushPayload', () => {
  it('shows a push once even when it arrives twice', async () => {
    const shown: NotificationRequest[] = [];
    const ctx = await makeCtx({ browser: { showNotification: async (n) => void shown.push(n) } });
    expect(await handlePushPayload(ctx, push('m1'))).toBe(true);
    expect(await handlePushPayload(ctx, push('m1'))).toBe(false);
    expect(await handlePushPayload(ctx, push('m2', { conversation: { id: 'g9', type: 'groupChat' }, badge: 3 }))).toBe(true);
    expect(shown.map((n) => n.tag)).toEqual(['m1', 'm2']);
    expect(shown[1]).toMatchObject({ title: 'Bob', body: 'hello\nin group g9', muteActionTitle: 'Mute 1 h', data: { m: 'm2', conversation: { id: 'g9', type: 'groupChat' } } });
    expect(await ctx.db.shown()).toEqual([
      expect.objectContaining({ id: 'm1', title: 'Bob', body: 'hello', conversation: { id: 'bob', type: 'singleChat' } }),
      expect.objectContaining({ id: 'm2' }),
    ]);
    expect(await ctx.db.get('offlineCount')).toBe(3);
    ctx.db.close();
  });

  it('names the group in the text when its name is known, and learns a person\'s nickname from the title', async () => {
    const shown: NotificationRequest[] = [];
    const ctx = await makeCtx({ browser: { showNotification: async (n) => void shown.push(n) } });
    await ctx.db.putConversation({ conversation: { id: 'g9', type: 'groupChat' }, settings: { durationUntil: 0 }, seenAt: 0, name: 'Design team' });
    await handlePushPayload(ctx, push('m1', { conversation: { id: 'g9', type: 'groupChat' }, title: 'Bob' }));
    expect(shown[0]?.body).toBe('hello\nin group Design team');
    // The sender's nickname names the direct chat, not the group.
    expect((await ctx.db.getConversation({ id: 'g9', type: 'groupChat' }))?.name).toBe('Design team');
    await handlePushPayload(ctx, push('m2'));
    expect((await ctx.db.getConversation({ id: 'bob', type: 'singleChat' }))?.name).toBe('Bob');
    ctx.db.close();
  });

  it('remembers seen ids across a worker restart', async () => {
    const first = await makeCtx({ browser: { showNotification: async () => undefined } });
    await handlePushPayload(first, push('m1'));
    first.db.close();
    const second = await makeCtx({ browser: { showNotification: async () => undefined } });
    expect(await handlePushPayload(second, push('m1'))).toBe(false);
    second.db.close();
  });

  it('ignores payloads that are not pushes', async () => {
    const ctx = await makeCtx({ browser: { showNotification: async () => undefined } });
    expect(await handlePushPayload(ctx, null)).toBe(false);
    expect(await handlePushPayload(ctx, { m: 'x' })).toBe(false);
    expect(await handlePushPayload(ctx, push('x', { conversation: { id: 'a', type: 'fax' } }))).toBe(false);
    expect(await ctx.db.shown()).toEqual([]);
    ctx.db.close();
  });

  it('sets the badge to the offline count of the last push', async () => {
    const ctx = await makeCtx({ browser: { showNotification: async () => undefined } });
    await fakeBrowser.storage.local.set({ [SESSION_KEY]: { serverUrl: 'http://127.0.0.1:1', appKey: 'demo#im', username: 'alice', token: 't', expiresAt: 0, expired: false } });
    await ctx.db.set('app', { type: 'ALL', window: null, durationUntil: 0, timeZone: 'UTC' });
    await handlePushPayload(ctx, push('m1', { badge: 5 }));
    expect(await fakeBrowser.action.getBadgeText({})).toBe('5');
    ctx.db.close();
  });
});

describe('notification clicks', () => {
  it('opens the chat on the configured server', async () => {
    const opened: string[] = [];
    const ctx = await makeCtx({ browser: { openTab: async (u) => void opened.push(u) } });
    await fakeBrowser.storage.local.set({ [SESSION_KEY]: { serverUrl: 'http://127.0.0.1:8080', appKey: 'demo#im', username: 'alice', token: 't', expiresAt: 0, expired: false } });
    await handleNotificationClick(ctx, '', { m: 'm1', conversation: { id: 'g 1', type: 'groupChat' } });
    expect(opened).toEqual(['http://127.0.0.1:8080/#/chat/groupChat/g%201']);
    expect(MUTE_ACTION).toBe('mute1h');
    ctx.db.close();
  });
});
