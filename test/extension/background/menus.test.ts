/** Context menus and the keyboard command map to the right SDK call for the chat in the tab. */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../src/background/handlers/api.ts';
import type { Ctx } from '../../../src/background/handlers/context.ts';
import { onCommand } from '../../../src/background/handlers/lifecycle.ts';
import { handleMenuClick, installMenus } from '../../../src/background/handlers/menus.ts';
import { createdMenus, makeCtx, otherDevice, type RealServer, type RequestLog, resetBrowser, startServer, stopCtx } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

let srv: RealServer;
let ctx: Ctx;
let log: RequestLog;
const HOUR = 3_600_000;

beforeEach(async () => {
  resetBrowser();
  srv = await startServer();
  log = [];
  ctx = await makeCtx({ log });
  await api.signIn(ctx, { serverUrl: srv.url, appKey: 'demo#im', username: 'alice', password: 'alice' });
  await api.refresh(ctx);
});
afterEach(async () => {
  stopCtx(ctx);
  await srv?.cleanup();
});

/** The settings writes made by one click. */
async function writesOf(click: () => Promise<unknown>): Promise<string[]> {
  log.length = 0;
  await click();
  return log.filter((l) => l.startsWith('PUT '));
}

describe('chat menu', () => {
  it('maps each item to the conversation parsed from the tab URL', async () => {
    const single = `${srv.url}/#/chat/singleChat/bob`;
    const group = `${srv.url}/#/chat/groupChat/${srv.demoGroupId}`;
    const room = `${srv.url}/#/chat/chatRoom/room1`;
    const user = '/demo/im/users/alice/notification/user/bob';
    const chatgroup = `/demo/im/users/alice/notification/chatgroup/${srv.demoGroupId}`;

    expect(await writesOf(() => handleMenuClick(ctx, { menuItemId: 'mute-1h' }, { url: single }))).toEqual([expect.stringMatching(`^PUT ${user}\\?resource=webext-`)]);
    expect(await writesOf(() => handleMenuClick(ctx, { menuItemId: 'mode-at', pageUrl: group }))).toEqual([expect.stringContaining(`PUT ${chatgroup}?`)]);
    expect(await writesOf(() => handleMenuClick(ctx, { menuItemId: 'mute-7d' }, { url: room }))).toEqual([expect.stringContaining('PUT /demo/im/users/alice/notification/chatgroup/room1?')]);

    const bob = await otherDevice(srv.url, 'alice');
    const bobSettings = (await bob.getSilentModeForConversation({ conversationId: 'bob', type: 'singleChat' })).data as { ignoreDuration: number };
    expect(bobSettings.ignoreDuration).toBeGreaterThan(Date.now() + HOUR - 60_000);
    const groupSettings = (await bob.getSilentModeForConversation({ conversationId: srv.demoGroupId, type: 'groupChat' })).data as { type?: string };
    expect(groupSettings.type).toBe('AT');

    // Each remaining item, checked on the server.
    const cases: Array<[string, Record<string, unknown>]> = [
      ['mute-8h', { ignoreDuration: expect.any(Number) }],
      ['mute-24h', { ignoreDuration: expect.any(Number) }],
      ['mode-none', { type: 'NONE' }],
      ['mode-default', {}],
    ];
    for (const [item, expected] of cases) {
      expect(await handleMenuClick(ctx, { menuItemId: item }, { url: group })).toBe(item);
      const data = (await bob.getSilentModeForConversation({ conversationId: srv.demoGroupId, type: 'groupChat' })).data as Record<string, unknown>;
      expect(data).toMatchObject(expected);
      if (item === 'mode-default') expect(data.type).toBeUndefined();
    }
    const d24 = (await bob.getSilentModeForConversation({ conversationId: srv.demoGroupId, type: 'groupChat' })).data as { ignoreDuration: number };
    expect(d24.ignoreDuration).toBeGreaterThan(Date.now() + 23 * HOUR);
  });

  it('"Only @mentions" in a direct chat changes nothing and says why (a direct message counts as a mention)', async () => {
    const shown: { title: string; body?: string }[] = [];
    ctx.browser.showNotification = async (n) => void shown.push(n);
    expect(await writesOf(() => handleMenuClick(ctx, { menuItemId: 'mode-at' }, { url: `${srv.url}/#/chat/singleChat/bob` }))).toEqual([]);
    expect(shown).toEqual([expect.objectContaining({ title: 'bob: direct messages always count as mentions', body: expect.stringContaining('Nothing changed') })]);
    const bob = await otherDevice(srv.url, 'alice');
    expect(((await bob.getSilentModeForConversation({ conversationId: 'bob', type: 'singleChat' })).data as { type?: string }).type).toBeUndefined();
  });

  it('does nothing on a page of the chat host that is not a chat', async () => {
    expect(await writesOf(() => handleMenuClick(ctx, { menuItemId: 'mute-1h' }, { url: `${srv.url}/#/contacts` }))).toEqual([]);
    expect(await handleMenuClick(ctx, { menuItemId: 'unknown' }, { url: `${srv.url}/#/chat/singleChat/bob` })).toBeNull();
  });

  it('follows user-set chat patterns', async () => {
    await api.setChatPatterns(ctx, { patterns: ['https://chat.example.com/c/{type}/{id}'] });
    expect(await writesOf(() => handleMenuClick(ctx, { menuItemId: 'mute-1h' }, { url: 'https://chat.example.com/c/user/carol' }))).toEqual([
      expect.stringContaining('PUT /demo/im/users/alice/notification/user/carol?'),
    ]);
    await expect(api.setChatPatterns(ctx, { patterns: ['nope'] })).rejects.toMatchObject({ code: 'invalid_argument', field: 'patterns[0]' });
    expect((await api.setChatPatterns(ctx, { patterns: [] })).patterns).toEqual([`${srv.url}/#/chat/{type}/{id}`]);
  });

  it('creates the chat submenu on chat hosts and pause/resume on the toolbar icon', async () => {
    await installMenus(ctx);
    const byId = Object.fromEntries(createdMenus.map((m) => [m.id, m]));
    expect(byId['mute-chat']).toMatchObject({ title: 'Mute this chat', contexts: ['page'], documentUrlPatterns: ['http://127.0.0.1/*'] });
    expect(createdMenus.filter((m) => m.parentId === 'mute-chat').map((m) => m.id)).toEqual(['mute-1h', 'mute-8h', 'mute-24h', 'mute-7d', 'mode-at', 'mode-none', 'mode-default']);
    expect(byId['pause-1h']).toMatchObject({ contexts: ['action'] });
    expect(byId.resume).toMatchObject({ contexts: ['action'] });
  });
});

describe('toolbar menu and command', () => {
  it('pause 1 h and resume change the app duration', async () => {
    const me = '/demo/im/users/alice/notification/user/alice';
    expect(await writesOf(() => handleMenuClick(ctx, { menuItemId: 'pause-1h' }))).toEqual([expect.stringContaining(`PUT ${me}?`)]);
    expect((await api.getStatus(ctx, { tabUrl: '' })).badge.text).toBe('zZ');
    await handleMenuClick(ctx, { menuItemId: 'resume' });
    expect((await api.getStatus(ctx, { tabUrl: '' })).quiet.quiet).toBe(false);
    await onCommand(ctx, 'pause-1h');
    const server = (await (await otherDevice(srv.url, 'alice')).getSilentModeForAll()).data as { ignoreDuration: number };
    expect(server.ignoreDuration).toBeGreaterThan(Date.now() + HOUR - 60_000);
  });
});
