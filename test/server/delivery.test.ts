/** Web Push faults (SPEC 4), the stream channel, and the extension's test-push endpoint. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import { call, connectIm, connectStream, eventually, register, send, signIn, startTestServer, WsClient, type TestServer } from './helpers.ts';

let s: TestServer;
let svc: FakePushService;
const tokens: Record<string, string> = {};
type TraceItem = { messageId: string; push: boolean; reason: string; devices: { device_id: string; notifier?: string; result: string }[] };

beforeAll(async () => {
  svc = await startPushService();
  s = await startTestServer({ push: { ca: svc.ca, backoffBaseMs: 100, maxAttempts: 3, pollMs: 20 } as never, heartbeatMs: 60_000 });
  svc.expectVapidKey(s.server.ctx.vapid.publicKey);
  await register(s, 'sam', 'una', 'vic', 'wes', 'xia', 'yan', 'zoe');
  for (const u of ['sam', 'una', 'vic', 'wes', 'xia', 'yan', 'zoe']) tokens[u] = await signIn(s, u);
});
afterAll(async () => {
  await s.close();
  await svc.stop();
});

async function bind(user: string, device: string, notifier = 'webpush'): Promise<string> {
  const sub = notifier === 'webpush' ? svc.createSubscription() : undefined;
  const r = await call(s.base, 'PUT', `/users/${user}/push/binding`, {
    token: tokens[user],
    body: { device_id: device, device_token: sub ? JSON.stringify(sub) : 'stream', notifier_name: notifier },
  });
  expect(r.status).toBe(200);
  return sub?.endpoint ?? '';
}

async function trace(user: string, id: string): Promise<TraceItem> {
  const r = await call<{ data: TraceItem[] }>(s.base, 'GET', `/users/${user}/notification/trace`, { token: tokens[user] });
  return r.json.data.find((t) => t.messageId === id)!;
}

const dm = async (user: string, text: string) => (await send(s, tokens.sam!, 'users', [user], text))[user]!;
const bindings = async (user: string) => (await call<{ data: unknown[] }>(s.base, 'GET', `/users/${user}/push/binding`, { token: tokens[user] })).json.data;

describe('Web Push faults', () => {
  it('410 removes the binding and is traced', async () => {
    const ep = await bind('una', 'u-web');
    svc.failWith(ep, { status: 410 });
    const id = await dm('una', 'gone');
    const t = await eventually(async () => {
      const x = await trace('una', id);
      return x.devices[0]!.result.startsWith('gone') ? x : undefined;
    });
    expect(t.devices[0]!.result).toContain('binding removed');
    expect(await bindings('una')).toEqual([]);
    expect(svc.attempts(ep)).toBe(1);
  });

  // When the retry goes (the asked delay, not the backoff) is asserted under a frozen clock in delivery-outcomes.test.ts.
  it('429 with Retry-After is retried, then delivered', async () => {
    const ep = await bind('vic', 'v-web');
    svc.failWith(ep, { status: 429, retryAfter: '1', times: 1 });
    const id = await dm('vic', 'slow down');
    await svc.waitFor((x) => x.endpoint === ep && x.payload?.m === id, 5000);
    expect(svc.attempts(ep)).toBe(2);
    await eventually(async () => ((await trace('vic', id)).devices[0]!.result.startsWith('sent') ? true : undefined));
  });

  it('500 is retried with backoff a bounded number of times, then given up and traced', async () => {
    const ep = await bind('wes', 'w-web');
    svc.failWith(ep, { status: 500 });
    const id = await dm('wes', 'broken service');
    const t = await eventually(async () => {
      const x = await trace('wes', id);
      return x.devices[0]!.result.startsWith('failed') ? x : undefined;
    }, 5000);
    expect(t.devices[0]!.result).toContain('after 3 attempts');
    expect(svc.attempts(ep)).toBe(3);
    expect(await s.server.ctx.deliveries.count()).toBe(0);
    expect(await bindings('wes')).toHaveLength(1);
  });
});

describe('stream channel (SPEC 4)', () => {
  it('sends push frames, resends unacked ones on reconnect, answers ping, and does not make the user online', async () => {
    await bind('xia', 'x-ext', 'stream');
    const st = await connectStream(s, tokens.xia!, 'x-ext');
    const id1 = await dm('xia', 'over the stream');
    const f1 = await st.next((f) => f.op === 'push');
    expect(f1.push).toMatchObject({ m: id1, t: 'xia', body: 'over the stream', badge: 1 });
    // Still offline for the rules: the next message pushes too (not ONLINE) and the count goes up.
    const id2 = await dm('xia', 'second');
    expect((await st.next((f) => f.op === 'push')).push).toMatchObject({ m: id2, badge: 2 });
    expect((await trace('xia', id2)).reason).toBe('PUSH');
    st.send({ op: 'ping' });
    await st.next((f) => f.op === 'pong');
    st.send({ op: 'ack', m: id1 });
    await eventually(async () => ((await trace('xia', id1)).devices[0]!.result === 'delivered' ? true : undefined));
    await st.close();
    const id3 = await dm('xia', 'while away');
    expect((await trace('xia', id3)).devices[0]!.result).toBe('pending');
    const again = await connectStream(s, tokens.xia!, 'x-ext');
    const resent = [await again.next((f) => f.op === 'push'), await again.next((f) => f.op === 'push')];
    expect(resent.map((f) => (f.push as { m: string }).m)).toEqual([id2, id3]);
    // id3 was kept as a small row while the stream was away; its payload is built on reconnect.
    expect(resent[1]!.push).toMatchObject({ m: id3, t: 'xia', f: 'sam', body: 'while away', badge: 3, conversation: { id: 'sam', type: 'singleChat' } });
    again.send('{"op":"ack"}');
    expect(await again.next((f) => f.op === 'error')).toMatchObject({ error: 'illegal_argument', error_description: expect.stringContaining('frame.m') });
    again.send('[');
    expect((await again.next((f) => f.op === 'error')).error).toBe('illegal_argument');
    await again.close();
  });

  it('refuses a bad token and frames before auth', async () => {
    const c = await WsClient.open(`${s.base.replace('http', 'ws')}/push/stream`);
    c.send({ op: 'ack', m: 'x' });
    expect((await c.next((f) => f.op === 'error')).error).toBe('unauthorized');
    c.send({ op: 'auth', token: 'bad', device_id: 'd' });
    expect((await c.next((f) => f.op === 'error')).error).toBe('auth_bad_access_token');
    await c.closed;
  });
});

describe('POST /users/{me}/push/test', () => {
  it('pushes a test payload to every binding, ignoring presence and settings', async () => {
    const ep = await bind('yan', 'y-web');
    await bind('yan', 'y-ext', 'stream');
    const st = await connectStream(s, tokens.yan!, 'y-ext');
    const im = await connectIm(s, tokens.yan!, 'y-phone');
    await call(s.base, 'PUT', '/users/yan/notification/user/yan', { token: tokens.yan, body: { type: 'NONE' } });
    const r = await call<{ data: { sent: number; devices: { device_id: string; notifier: string; result: string }[] } }>(s.base, 'POST', '/users/yan/push/test', { token: tokens.yan });
    expect(r.status).toBe(200);
    expect(r.json.data.sent).toBe(2);
    expect(r.json.data.devices).toEqual(expect.arrayContaining([
      { device_id: 'y-web', notifier: 'webpush', result: expect.stringMatching(/^sent/) },
      { device_id: 'y-ext', notifier: 'stream', result: 'sent' },
    ]));
    const p = await svc.waitFor((x) => x.endpoint === ep);
    expect(p.payload).toMatchObject({ title: 'IM Push Companion', body: 'Test notification', conversation: { id: 'yan', type: 'singleChat' } });
    expect(String(p.payload?.m)).toMatch(/^test-[0-9a-f-]{36}$/);
    expect((await st.next((f) => f.op === 'push')).push).toMatchObject({ title: 'IM Push Companion' });
    const other = await call(s.base, 'POST', '/users/yan/push/test', { token: tokens.zoe });
    expect(other.status).toBe(403);
    await Promise.all([st.close(), im.close()]);
  });
});
