/** Hardening: only the extension's own pages may call the background; damaged records are repaired on read. */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { isOwnPage } from '../../../src/background/handlers/sender.ts';
import { sendOp } from '../../../src/background/handlers/settings-ops.ts';
import type { PushClient } from '../../../src/client/index.ts';
import { DB_NAME, openExtensionDb } from '../../../src/background/platform/db.ts';
import { resetBrowser } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

beforeEach(resetBrowser);

describe('isOwnPage', () => {
  const ID = 'abcdefghijklmnop';
  const ORIGIN = `chrome-extension://${ID}/`;
  it('accepts the popup and the options page of this extension', () => {
    expect(isOwnPage({ id: ID, url: `chrome-extension://${ID}/popup.html` }, ID, ORIGIN)).toBe(true);
    expect(isOwnPage({ id: ID, url: `chrome-extension://${ID}/options.html#x` }, ID, ORIGIN)).toBe(true);
    expect(isOwnPage({ id: 'uuid', url: 'moz-extension://1234-5678/popup.html' }, 'uuid', 'moz-extension://1234-5678/')).toBe(true);
  });
  it('refuses other extensions, web pages (a content script carries our id) and senders without a URL', () => {
    expect(isOwnPage({ id: 'other', url: `chrome-extension://${ID}/popup.html` }, ID, ORIGIN)).toBe(false);
    expect(isOwnPage({ id: ID, url: 'https://evil.example/' }, ID, ORIGIN)).toBe(false);
    expect(isOwnPage({ id: ID, url: `https://evil.example/chrome-extension://${ID}/` }, ID, ORIGIN)).toBe(false);
    expect(isOwnPage({ id: ID, url: `chrome-extension://${ID}.evil/popup.html` }, ID, ORIGIN)).toBe(false);
    expect(isOwnPage({ id: ID }, ID, ORIGIN)).toBe(false);
    expect(isOwnPage(undefined, ID, ORIGIN)).toBe(false);
  });
});

describe('damaged IndexedDB records', () => {
  it('are repaired field by field to the defaults on read', async () => {
    const db = await openExtensionDb();
    db.close();
    const raw = await openDB(DB_NAME);
    await raw.put('kv', { type: 'SOMETIMES', window: { start: 1320, end: 'seven' }, durationUntil: 123, timeZone: 'Mars/Base' }, 'app');
    await raw.put('kv', { channel: 'pigeon', bound: 'yes', lastPushAt: -4, lastError: 7 }, 'push');
    await raw.put('kv', 'lots', 'offlineCount');
    await raw.put('conversations', { key: 'groupChat/g1', conversation: { id: 'g1', type: 'groupChat' }, settings: { type: 'LOUD', durationUntil: 'soon' }, seenAt: 5, name: 42 });
    await raw.put('conversations', { key: 'junk', conversation: { id: '', type: 'fax' } });
    raw.close();
    const again = await openExtensionDb();
    expect(await again.get('app')).toEqual({ type: 'ALL', window: null, durationUntil: 123, timeZone: 'UTC' });
    expect(await again.get('push')).toEqual({ channel: 'none', notifierName: '', bound: false, lastPushAt: 0, lastError: '' });
    expect(await again.get('offlineCount')).toBe(0);
    expect(await again.getConversation({ id: 'g1', type: 'groupChat' })).toEqual({ conversation: { id: 'g1', type: 'groupChat' }, settings: { durationUntil: 0 }, seenAt: 5 });
    expect((await again.allConversations()).map((c) => c.conversation.id)).toEqual(['g1']);
    again.close();
  });

  it('a damaged outbox entry is dropped instead of blocking the writes queued after it', async () => {
    const db = await openExtensionDb();
    await db.outboxAdd({ kind: 'language', language: 'en' }, 1);
    db.close();
    const raw = await openDB(DB_NAME);
    await raw.add('outbox', { op: null, createdAt: 2, attempts: 0 });
    await raw.add('outbox', { op: { kind: 'conversation', conversation: { id: 'g1', type: 'groupChat' }, remindType: 'LOUD' }, createdAt: 3, attempts: 0 });
    await raw.add('outbox', { op: { kind: 'app', options: { paramType: 0, remindType: 'AT' } }, createdAt: 'x', attempts: -1 });
    raw.close();
    const again = await openExtensionDb();
    expect((await again.outboxAll()).map((e) => [e.op.kind, e.createdAt, e.attempts])).toEqual([['language', 1, 0], ['app', 0, 0]]);
    expect(await again.outboxAll()).toHaveLength(2);
    again.close();
  });
});

describe('"not tonight" on the wire', () => {
  it('is sent as windowSkipUntil on the app settings path (0 once it has passed)', async () => {
    const requests: unknown[] = [];
    const client = { username: 'alice', request: async (r: unknown) => void requests.push(r) } as unknown as PushClient;
    await sendOp(client, { id: 1, op: { kind: 'skip', until: 5_000 }, createdAt: 0, attempts: 0 }, 1_000);
    await sendOp(client, { id: 2, op: { kind: 'skip', until: 5_000 }, createdAt: 0, attempts: 0 }, 6_000);
    expect(requests).toEqual([
      { method: 'PUT', path: '/users/alice/notification/user/alice', body: { windowSkipUntil: 5_000 }, idempotent: true },
      { method: 'PUT', path: '/users/alice/notification/user/alice', body: { windowSkipUntil: 0 }, idempotent: true },
    ]);
  });
});
