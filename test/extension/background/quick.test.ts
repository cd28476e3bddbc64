/** Changes made outside the popup are confirmed and undoable; a notification click focuses an open chat tab. */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../src/background/handlers/api.ts';
import type { Ctx } from '../../../src/background/handlers/context.ts';
import type { NotificationRequest } from '../../../src/background/handlers/deps.ts';
import { onCommand } from '../../../src/background/handlers/lifecycle.ts';
import { handleMenuClick } from '../../../src/background/handlers/menus.ts';
import { handleNotificationClick, MUTE_ACTION } from '../../../src/background/handlers/notifications.ts';
import { LAST_ACCOUNT_KEY } from '../../../src/background/handlers/session.ts';
import { fakeBrowser } from '@webext-core/fake-browser';
import { makeCtx, otherDevice, type RealServer, startSignedIn, stopCtx } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

let srv: RealServer;
let ctx: Ctx;
let shown: NotificationRequest[];
let opened: string[];
let focused: number[];
let tabs: Array<{ id: number; windowId: number; url?: string }>;
let now = Date.now();
const HOUR = 3_600_000;

beforeEach(async () => {
  focused = [];
  tabs = [];
  now = Date.now();
  ({ srv, ctx, shown, opened } = await startSignedIn({
    now: () => now,
    browser: { listTabs: async () => tabs, focusTab: async (id) => void focused.push(id) },
  }));
});
afterEach(async () => {
  stopCtx(ctx);
  await srv?.cleanup();
});

describe('quick actions', () => {
  it('the keyboard pause is confirmed by a notification and undone from the popup', async () => {
    await onCommand(ctx, 'pause-1h');
    // A short "✓" on the badge, then the badge is itself again.
    expect(await fakeBrowser.action.getBadgeText({})).toBe('✓');
    await new Promise((r) => setTimeout(r, 1_700));
    expect(await fakeBrowser.action.getBadgeText({})).toBe('zZ');
    expect(shown.at(-1)).toMatchObject({ tag: 'impc-confirm', title: 'Notifications paused for 1 hour', body: 'Undo from the toolbar button within 5 minutes.' });
    expect(shown.at(-1)?.muteActionTitle).toBeUndefined();
    const status = await api.getStatus(ctx, { tabUrl: '' });
    expect(status.quickAction).toEqual({ at: now, text: 'Notifications paused for 1 hour' });
    expect(status.quiet.reason).toBe('DND_APP_DURATION');
    const undone = await api.undoQuickAction(ctx);
    expect(undone.quiet.quiet).toBe(false);
    expect(undone.quickAction).toBeNull();
    const server = (await (await otherDevice(srv.url, 'alice')).getSilentModeForAll()).data as { ignoreDuration: number };
    expect(server.ignoreDuration).toBe(0);
  });

  it('a chat menu mute restores the chat\'s previous settings on undo; the offer expires after 5 minutes', async () => {
    const conversation = { id: srv.demoGroupId, type: 'groupChat' as const };
    await api.listConversations(ctx); // learns the group's name
    await api.setConversation(ctx, { conversation, remindType: 'AT' });
    await handleMenuClick(ctx, { menuItemId: 'mode-none' }, { url: `${srv.url}/#/chat/groupChat/${srv.demoGroupId}` });
    expect(shown.at(-1)?.title).toBe('Demo group: no notifications');
    await api.undoQuickAction(ctx);
    const phone = await otherDevice(srv.url, 'alice');
    expect(((await phone.getSilentModeForConversation({ conversationId: srv.demoGroupId, type: 'groupChat' })).data as { type?: string }).type).toBe('AT');

    await handleMenuClick(ctx, { menuItemId: 'mute-1h' }, { url: `${srv.url}/#/chat/singleChat/bob` });
    now += 5 * 60_000 + 1;
    expect((await api.getStatus(ctx, { tabUrl: '' })).quickAction).toBeNull();
  });

  it('the notification\'s "Mute 1 h" is confirmed too', async () => {
    await handleNotificationClick(ctx, MUTE_ACTION, { m: 'm1', conversation: { id: 'bob', type: 'singleChat' } });
    expect(shown.at(-1)?.title).toBe('bob muted for 1 hour');
    expect((await api.getStatus(ctx, { tabUrl: '' })).quickAction?.text).toBe('bob muted for 1 hour');
  });
});

describe('notification click', () => {
  it('focuses a tab that already shows the chat instead of opening another', async () => {
    tabs = [
      { id: 1, windowId: 1, url: 'https://elsewhere.example/' },
      { id: 7, windowId: 2, url: `${srv.url}/#/chat/singleChat/bob` },
    ];
    await handleNotificationClick(ctx, '', { m: 'm1', conversation: { id: 'bob', type: 'singleChat' } });
    expect(focused).toEqual([7]);
    expect(opened).toEqual([]);
    await handleNotificationClick(ctx, '', { m: 'm2', conversation: { id: 'carol', type: 'singleChat' } });
    expect(opened).toEqual([`${srv.url}/#/chat/singleChat/carol`]);
  });
});

describe('"not tonight"', () => {
  it('is refused while the server does not return windowSkipUntil (an older server), and checks its range', async () => {
    // An older server: GET without the field (played in front of the real one, which has it).
    const older = (real: typeof fetch): typeof fetch => async (input, init) => {
      const res = await real(input, init);
      if (!new URL(String(input)).pathname.endsWith('/notification/user/alice') || init?.method === 'PUT') return res;
      const json = (await res.json()) as { data: Record<string, unknown> };
      const { windowSkipUntil: _dropped, ...data } = json.data;
      return new Response(JSON.stringify({ ...json, data }), { status: res.status });
    };
    const oldCtx = await makeCtx({ now: () => now, wrapFetch: older, browser: { showNotification: async () => undefined } });
    await api.signIn(oldCtx, { serverUrl: srv.url, appKey: 'demo#im', username: 'alice', password: 'alice' });
    await api.refresh(oldCtx);
    expect((await api.getStatus(oldCtx, { tabUrl: '' })).windowSkipUntil).toBeNull();
    await expect(api.skipWindow(oldCtx, { until: now + HOUR })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(api.skipWindow(oldCtx, { until: now + 25 * HOUR })).rejects.toMatchObject({ code: 'invalid_argument', field: 'until' });
    await expect(api.skipWindow(oldCtx, { until: now - 1 })).rejects.toMatchObject({ field: 'until' });
    stopCtx(oldCtx);
  });

  it('works against the real server: GET returns windowSkipUntil, the skip is stored and read back', async () => {
    await api.setQuietHours(ctx, { window: { start: { hours: 0, minutes: 0 }, end: { hours: 23, minutes: 59 } } });
    await api.refresh(ctx);
    expect((await api.getStatus(ctx, { tabUrl: '' })).windowSkipUntil).toBe(0);
    const until = now + HOUR;
    const s = await api.skipWindow(ctx, { until });
    expect(s.windowSkipUntil).toBe(until);
    expect(s.quiet.quiet).toBe(false);
    await api.refresh(ctx);
    expect((await api.getStatus(ctx, { tabUrl: '' })).windowSkipUntil).toBe(until);
    const phone = await otherDevice(srv.url, 'alice');
    expect(((await phone.getSilentModeForAll()).data as { windowSkipUntil: number }).windowSkipUntil).toBe(until);
  });

  it('once the server returns the field, it is applied at once and sent as a PUT of windowSkipUntil', async () => {
    // A server with SPEC 1.7's field: GET returns it, PUT stores it (played in front of the real one).
    let stored = 0;
    const puts: unknown[] = [];
    const newer = (real: typeof fetch): typeof fetch => async (input, init) => {
      const url = new URL(String(input));
      if (!url.pathname.endsWith('/notification/user/alice')) return real(input, init);
      const body = init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {};
      if (init?.method === 'PUT' && 'windowSkipUntil' in body) {
        puts.push(body);
        stored = body.windowSkipUntil as number;
        return new Response(JSON.stringify({ data: {} }), { status: 200, headers: { 'content-type': 'application/json' } });
      }
      const res = await real(input, init);
      const json = (await res.json()) as { data: Record<string, unknown> };
      return new Response(JSON.stringify({ ...json, data: { ...json.data, windowSkipUntil: stored } }), { status: res.status });
    };
    const skipCtx = await makeCtx({ now: () => now, wrapFetch: newer, browser: { showNotification: async () => undefined } });
    await api.signIn(skipCtx, { serverUrl: srv.url, appKey: 'demo#im', username: 'alice', password: 'alice' });
    await api.setQuietHours(skipCtx, { window: { start: { hours: 0, minutes: 0 }, end: { hours: 23, minutes: 59 } } });
    await api.refresh(skipCtx);
    expect((await api.getStatus(skipCtx, { tabUrl: '' })).windowSkipUntil).toBe(0);
    const s = await api.skipWindow(skipCtx, { until: now + HOUR });
    expect(s.windowSkipUntil).toBe(now + HOUR);
    expect(s.quiet.quiet).toBe(false);
    expect(puts).toEqual([{ windowSkipUntil: now + HOUR }]);
    stopCtx(skipCtx);
  });
});

describe('sign-in memory', () => {
  it('keeps server, app key and username after sign-out (never the password)', async () => {
    await api.signOut(ctx);
    const status = await api.getStatus(ctx, {});
    expect(status.session.signedIn).toBe(false);
    expect(status.lastAccount).toEqual({ serverUrl: srv.url, appKey: 'demo#im', username: 'alice' });
    const stored = JSON.stringify(await fakeBrowser.storage.local.get(LAST_ACCOUNT_KEY));
    expect(stored).not.toMatch(/password/i);
  });
});
