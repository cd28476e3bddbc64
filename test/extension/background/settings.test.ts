/** Settings cache: render at once from IndexedDB, refresh behind (one at a time), conversations. */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../src/background/handlers/api.ts';
import { revalidate } from '../../../src/background/handlers/settings.ts';
import type { Ctx } from '../../../src/background/handlers/context.ts';
import { eventually, makeCtx, otherDevice, type RealServer, type RequestLog, resetBrowser, startServer, stopCtx } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

let srv: RealServer;
let ctx: Ctx;
let log: RequestLog;
let now = Date.now();
const APP_GET = 'GET /demo/im/users/alice/notification/user/alice';

beforeEach(async () => {
  resetBrowser();
  srv = await startServer();
  log = [];
  now = Date.now();
  ctx = await makeCtx({ log, now: () => now });
  await api.signIn(ctx, { serverUrl: srv.url, appKey: 'demo#im', username: 'alice', password: 'alice' });
  await ctx.runtime.refreshing?.catch(() => undefined);
  await ctx.runtime.registering?.catch(() => undefined);
});
afterEach(async () => {
  stopCtx(ctx);
  await srv?.cleanup();
});

describe('revalidate', () => {
  it('never rejects, even when its reads fail (callers start it without waiting)', async () => {
    vi.spyOn(ctx.db, 'get').mockRejectedValueOnce(new Error('the database connection is closing'));
    await expect(revalidate(ctx, true)).resolves.toBeUndefined();
  });
});

describe('getStatus', () => {
  it('answers from the cache and refreshes behind, one refresh at a time', async () => {
    const phone = await otherDevice(srv.url, 'alice');
    await phone.setSilentModeForAll({ options: { paramType: 0, remindType: 'AT' } });
    now += 60_000; // the cache is stale now
    log.length = 0;
    const first = await api.getStatus(ctx, { tabUrl: '' });
    expect(first.app?.type).toBe('ALL'); // cached value, at once
    await api.getStatus(ctx, { tabUrl: '' });
    await api.getStatus(ctx, { tabUrl: '' });
    await ctx.runtime.refreshing;
    expect(log.filter((l) => l === APP_GET)).toHaveLength(1);
    const second = await api.getStatus(ctx, { tabUrl: '' });
    expect(second.app?.type).toBe('AT');
    expect(second.badge.text).toBe('@');
    expect(second.lastSyncedAt).toBe(now);
  });

  it('does not refresh a fresh cache', async () => {
    log.length = 0;
    await api.getStatus(ctx, { tabUrl: '' });
    expect(log).toEqual([]);
  });

  it('reports the chat in the tab with its cached settings', async () => {
    await api.setConversation(ctx, { conversation: { id: 'bob', type: 'singleChat' }, remindType: 'NONE' });
    const s = await api.getStatus(ctx, { tabUrl: `${srv.url}/#/chat/singleChat/bob` });
    expect(s.currentChat).toEqual({ conversation: { id: 'bob', type: 'singleChat' }, settings: { type: 'NONE', durationUntil: 0 } });
    expect((await api.getStatus(ctx, { tabUrl: 'https://elsewhere.example/' })).currentChat).toBeNull();
    await expect(api.getStatus(ctx, { tabUrl: 42 as never })).rejects.toMatchObject({ code: 'invalid_argument', field: 'tabUrl' });
  });
});

describe('writes', () => {
  it('sends quiet hours with the browser time zone', async () => {
    // A browser in Tokyo (the server's default zone is UTC).
    const tokyo = await makeCtx({ browser: { timeZone: () => 'Asia/Tokyo' } });
    const s = await api.setQuietHours(tokyo, { window: { start: { hours: 22, minutes: 0 }, end: { hours: 7, minutes: 0 } } });
    expect(s.app).toMatchObject({ window: { start: 1320, end: 420 }, timeZone: 'Asia/Tokyo' });
    expect(s.timeZone).toBe('Asia/Tokyo');
    const server = (await (await otherDevice(srv.url, 'alice')).getSilentModeForAll()).data as { ignoreInterval: string; timeZone: string };
    expect(server).toMatchObject({ ignoreInterval: '22:0-7:0', timeZone: 'Asia/Tokyo' });
    const off = await api.setQuietHours(tokyo, { window: null });
    expect(off.app?.window).toBeNull();
    expect(((await (await otherDevice(srv.url, 'alice')).getSilentModeForAll()).data as { ignoreInterval: string }).ignoreInterval).toBe('');
    stopCtx(tokyo);
  });

  it('sets, reads, lists and clears a conversation', async () => {
    const conversation = { id: srv.demoGroupId, type: 'groupChat' as const };
    const set = await api.setConversation(ctx, { conversation, remindType: 'AT', durationMs: 3_600_000 });
    expect(set.settings).toEqual({ type: 'AT', durationUntil: now + 3_600_000 });
    const list = await api.listConversations(ctx);
    expect(list.items).toContainEqual(expect.objectContaining({ conversation, settings: expect.objectContaining({ type: 'AT' }) }));
    const cleared = await api.setConversation(ctx, { conversation, remindType: 'DEFAULT' });
    expect(cleared.settings.type).toBeUndefined();
    const read = await api.getConversation(ctx, { conversation: { id: 'carol', type: 'singleChat' } });
    expect(read.settings).toEqual({ durationUntil: 0 });
  });

  it('sets the push language in Azure spelling', async () => {
    expect(await api.setLanguage(ctx, { language: 'ZH-hans' })).toEqual({ language: 'zh-Hans' });
    const lang = await api.getLanguage(ctx);
    expect(lang).toEqual({ language: 'zh-Hans' });
    await eventually(async () => ((await (await otherDevice(srv.url, 'alice')).getPushPerformLanguage()).data as { language: string }).language === 'zh-Hans');
  });

  it('refuses writes when signed out', async () => {
    await api.signOut(ctx);
    await expect(api.pause(ctx, { durationMs: 60_000 })).rejects.toMatchObject({ code: 'signed_out' });
  });
});
