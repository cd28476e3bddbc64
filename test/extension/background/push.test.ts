/** Push registration and the push stream, against the real server. */
import { createECDH, randomBytes } from 'node:crypto';
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../src/background/handlers/api.ts';
import type { Ctx } from '../../../src/background/handlers/context.ts';
import type { NotificationRequest } from '../../../src/background/handlers/deps.ts';
import { registerPush } from '../../../src/background/handlers/push.ts';
import { PushClient } from '../../../src/client/index.ts';
import { eventually, makeCtx, otherDevice, type RealServer, resetBrowser, startServer, stopCtx, type TestCtxOptions } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

let srv: RealServer;
let ctx: Ctx | undefined;
let shown: NotificationRequest[];

beforeEach(async () => {
  resetBrowser();
  srv = await startServer();
  shown = [];
});
afterEach(async () => {
  if (ctx) stopCtx(ctx);
  ctx = undefined;
  await srv?.cleanup();
});

async function signedIn(browser: TestCtxOptions['browser'] = {}): Promise<Ctx> {
  const c = await makeCtx({ browser: { showNotification: async (n) => void shown.push(n), ...browser } });
  await api.signIn(c, { serverUrl: srv.url, appKey: 'demo#im', username: 'alice', password: 'alice' });
  await c.runtime.registering?.catch(() => undefined);
  return c;
}

async function bindingsOfAlice() {
  const other = await otherDevice(srv.url, 'alice');
  return (await other.request<Array<{ device_id: string; device_token: string; notifier_name: string }>>({ method: 'GET', path: '/users/alice/push/binding', idempotent: true })).data;
}

describe('push registration', () => {
  it('falls back to the stream when pushManager.subscribe never settles', async () => {
    ctx = await signedIn({ pushSubscribe: () => new Promise(() => undefined) });
    await registerPush(ctx);
    const status = await api.getPushStatus(ctx);
    expect(status).toMatchObject({ channel: 'stream', bound: true });
    expect(await bindingsOfAlice()).toEqual([expect.objectContaining({ device_token: 'stream' })]);
  });

  it('binds the Web Push subscription with the webpush certificate when the browser subscribes', async () => {
    const p256dh = createECDH('prime256v1');
    p256dh.generateKeys();
    const subscription = { endpoint: 'https://127.0.0.1:9/send/abc', keys: { p256dh: p256dh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
    let key = '';
    ctx = await signedIn({ pushSubscribe: async (k: string) => ((key = k), subscription) });
    await registerPush(ctx);
    expect(key).not.toBe('');
    expect(await api.getPushStatus(ctx)).toMatchObject({ channel: 'webpush', bound: true, streamConnected: false });
    const [binding] = await bindingsOfAlice();
    expect(JSON.parse(binding!.device_token)).toEqual(subscription);
  });
});

describe('push stream', () => {
  it('shows a message sent while offline, takes multi-device changes, survives a server restart', async () => {
    ctx = await signedIn();
    const c = ctx;
    await eventually(async () => (await api.getPushStatus(c)).streamConnected, 5_000, 'stream ready');

    const bob = await otherDevice(srv.url, 'bob');
    await bob.request({ method: 'POST', path: '/messages/users', body: { from: 'bob', to: ['alice'], type: 'txt', body: { msg: 'are you there?' } }, idempotent: false });
    await eventually(() => shown.length === 1, 5_000, 'notification');
    expect(shown[0]).toMatchObject({ body: 'are you there?', data: { conversation: { id: 'bob', type: 'singleChat' } } });
    expect((await c.db.shown())[0]).toMatchObject({ body: 'are you there?' });

    // Another device of alice changes the app mode; the stream forwards the event.
    const phone = new PushClient({ baseUrl: srv.url, appKey: 'demo#im', resource: 'phone', retries: 0 });
    await phone.signIn({ username: 'alice', password: 'alice' });
    await phone.setSilentModeForAll({ options: { paramType: 0, remindType: 'NONE' } });
    await eventually(async () => (await c.db.get('app'))?.type === 'NONE', 5_000, 'settings event');

    // The server goes away and comes back: the stream reconnects by itself.
    await srv.stop();
    await eventually(async () => !(await api.getPushStatus(c)).streamConnected, 5_000, 'stream lost');
    await srv.start();
    await eventually(async () => (await api.getPushStatus(c)).streamConnected, 10_000, 'stream back');

    const test = await api.sendTestPush(c);
    expect(test.sent).toBe(true);
    await eventually(() => shown.some((n) => n.tag.startsWith('test-')), 5_000, 'test push');
    // The acked message is not shown again after the reconnect.
    expect(shown.filter((n) => n.body === 'are you there?')).toHaveLength(1);
  });
});

describe('push registration fallback', () => {
  it('uses the stream when the server refuses the subscription', async () => {
    const bad = { endpoint: 'http://insecure.example/x', keys: { p256dh: 'x', auth: 'y' } };
    ctx = await signedIn({ pushSubscribe: async () => bad });
    await registerPush(ctx);
    const status = await api.getPushStatus(ctx);
    expect(status).toMatchObject({ channel: 'stream', bound: true });
    expect(status.lastError).toMatch(/endpoint/);
  });
});
