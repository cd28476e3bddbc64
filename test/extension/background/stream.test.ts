/** The push stream client: auth, acks (duplicates too), 20 s pings, reconnect backoff. */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Ctx } from '../../../src/background/handlers/context.ts';
import type { SocketLike, StoredSession } from '../../../src/background/handlers/deps.ts';
import { openStream, PING_MS, streamUrl } from '../../../src/background/handlers/stream.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

class FakeSocket implements SocketLike {
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.onclose?.();
  }
  frame(f: unknown) {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
}

const session: StoredSession = { serverUrl: 'https://im.example.com/base', appKey: 'org#app', username: 'alice', token: 'tok', expiresAt: 0, expired: false };
let sockets: FakeSocket[];
const ctx = () => ({ browser: { openSocket: (url: string) => { const s = new FakeSocket(url); sockets.push(s); return s; } } }) as unknown as Ctx;

beforeEach(() => {
  sockets = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('push stream client', () => {
  it('builds the ws URL under the app path', () => {
    expect(streamUrl('https://im.example.com/base', 'org#app')).toBe('wss://im.example.com/base/org/app/push/stream');
    expect(streamUrl('http://127.0.0.1:8080', 'demo#im')).toBe('ws://127.0.0.1:8080/demo/im/push/stream');
  });

  it('authenticates, acks every push (duplicates too), pings every 20 s', async () => {
    const pushes: unknown[] = [];
    const states: boolean[] = [];
    const h = openStream(ctx(), session, 'webext-1', { onPush: async (p) => void pushes.push(p), onSettingsEvent: () => undefined, onAuthFailure: () => undefined, onStateChange: (c) => void states.push(c) });
    const s = sockets[0]!;
    s.onopen?.();
    expect(s.sent).toEqual([{ op: 'auth', token: 'tok', device_id: 'webext-1' }]);
    s.frame({ op: 'ready', device_id: 'webext-1' });
    expect(h.connected).toBe(true);
    s.frame({ op: 'push', push: { m: 'a' } });
    s.frame({ op: 'push', push: { m: 'a' } });
    await vi.advanceTimersByTimeAsync(0);
    expect(s.sent.slice(1)).toEqual([{ op: 'ack', m: 'a' }, { op: 'ack', m: 'a' }]);
    await vi.advanceTimersByTimeAsync(PING_MS);
    expect(s.sent.at(-1)).toEqual({ op: 'ping' });
    await vi.advanceTimersByTimeAsync(PING_MS);
    expect(s.sent.filter((f) => (f as { op: string }).op === 'ping')).toHaveLength(2);
    expect(pushes).toHaveLength(2);
    h.stop();
    expect(h.connected).toBe(false);
  });

  it('reconnects with exponential backoff and resets it once ready', async () => {
    const h = openStream(ctx(), session, 'd', { onPush: async () => undefined, onSettingsEvent: () => undefined, onAuthFailure: () => undefined, onStateChange: () => undefined });
    sockets[0]!.close();
    await vi.advanceTimersByTimeAsync(999);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.close();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);
    sockets[2]!.frame({ op: 'ready' });
    sockets[2]!.close();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sockets).toHaveLength(4);
    h.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sockets).toHaveLength(4);
  });

  it('stops and reports a refused token; forwards settings events', async () => {
    let authFailed = 0;
    let events = 0;
    openStream(ctx(), session, 'd', { onPush: async () => undefined, onSettingsEvent: () => void events++, onAuthFailure: () => void authFailed++, onStateChange: () => undefined });
    sockets[0]!.frame({ op: 'event', type: 'user_notification_mute', values: [] });
    expect(events).toBe(1);
    sockets[0]!.frame({ op: 'error', error: 'auth_bad_access_token', error_description: 'bad token' });
    sockets[0]!.close();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(authFailed).toBe(1);
    expect(sockets).toHaveLength(1);
  });
});
