/**
 * #2: SSRF at send time. A binding to a private address made while --allow-private-push-endpoints
 * was on is refused once the server restarts without it: by the delivery worker and by push/test,
 * for IP literals (which Node connects to without a lookup) and for the address actually connected.
 */
import { connect } from 'node:net';
import { Agent } from 'node:https';
import { afterEach, expect, it } from 'vitest';
import { WebPushSender } from '../../src/server/push/webpush.ts';
import { isNonPublicAddress } from '../../src/core/index.ts';
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import { call, eventually, register, send, signIn, startTestServer, type TestServer, tempDir } from './helpers.ts';

let s: TestServer | undefined;
let svc: FakePushService | undefined;
afterEach(async () => {
  await s?.close();
  await svc?.stop();
  s = svc = undefined;
});

type TraceItem = { messageId: string; devices: { device_id: string; result: string }[] };

it('refuses a stored private endpoint after a restart with the flag off: nothing reaches the push service, the trace says why', async () => {
  svc = await startPushService();
  const dataDir = tempDir();
  s = await startTestServer({ dataDir, allowPrivatePushEndpoints: true, push: { ca: svc.ca } as never });
  svc.expectVapidKey(s.server.ctx.vapid.publicKey);
  await register(s, 'ann', 'bob');
  const sub = svc.createSubscription();
  expect(sub.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:/);
  const ann = await signIn(s, 'ann');
  const bound = await call(s.base, 'PUT', '/users/ann/push/binding', { token: ann, body: { device_id: 'w1', device_token: JSON.stringify(sub), notifier_name: 'webpush' } });
  expect(bound.status).toBe(200);
  await s.close();

  s = await startTestServer({ dataDir, allowPrivatePushEndpoints: false, push: { ca: svc.ca } as never });
  const bob = await signIn(s, 'bob');
  const ann2 = await signIn(s, 'ann');
  const id = (await send(s, bob, 'users', ['ann'], 'hello'))['ann']!;
  const result = await eventually(async () => {
    const r = await call<{ data: TraceItem[] }>(s!.base, 'GET', '/users/ann/notification/trace', { token: ann2 });
    const d = r.json.data.find((t) => t.messageId === id)?.devices[0];
    return d && !d.result.startsWith('queued') && d.result !== 'pending' ? d.result : undefined;
  }, 5000, 'a trace result');
  expect(result).toMatch(/non-public/);
  expect(result).toMatch(/127\.0\.0\.1/);

  const test = await call<{ data: { sent: number; devices: { result: string }[] } }>(s.base, 'POST', '/users/ann/push/test', { token: ann2 });
  expect(test.status).toBe(200);
  expect(test.json.data.sent).toBe(0);
  expect(test.json.data.devices[0]!.result).toMatch(/non-public/);
  expect(svc.attempts(sub.endpoint)).toBe(0);
  expect(svc.received).toEqual([]);
});

it('checks the address actually connected to, not only the name or literal in the URL', async () => {
  svc = await startPushService();
  // An agent that sends every connection to the fake service on 127.0.0.1, whatever the URL says
  // (a stand-in for DNS rebinding, a proxy, or anything between the URL and the socket).
  const port = Number(new URL(svc.origin).port);
  const agent = new Agent({ ca: svc.ca });
  (agent as unknown as { createConnection: unknown }).createConnection = () => connect(port, '127.0.0.1');
  const sender = new WebPushSender({ publicKey: 'x', privateKey: 'y' }, 'mailto:a@b', { agent, timeoutMs: 2000, allowPrivate: false, now: Date.now });
  sender.authorization = () => 'vapid t=x, k=y';
  const sub = svc.createSubscription();
  const publicSub = { ...sub, endpoint: sub.endpoint.replace(/^https:\/\/127\.0\.0\.1:\d+/, 'https://93.184.215.14') };
  const o = await sender.send(publicSub, '{}', 't');
  expect(o.status).toBe(0);
  expect(o.error).toMatch(/non-public 127\.0\.0\.1|address 127\.0\.0\.1 is non-public/);
  expect(o.unanswered).toBeUndefined();
  expect(svc.attempts(sub.endpoint)).toBe(0);
  agent.destroy();
});

it('reads private IPv4 addresses inside IPv6 forms (mapped, translated, NAT64, 6to4)', () => {
  for (const a of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:0:10.0.0.1', '64:ff9b::c0a8:101', '64:ff9b::127.0.0.1', '2002:7f00:1::1', '2002:a00:1::', '::10.1.2.3'])
    expect([a, isNonPublicAddress(a)]).toEqual([a, true]);
  for (const a of ['::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '2606:4700:4700::1111'])
    expect([a, isNonPublicAddress(a)]).toEqual([a, false]);
});
