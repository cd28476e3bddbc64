/**
 * The push pipeline's after-commit duties (pipeline.ts, step 4): what it wakes and what it sends
 * live, through the real server and the fake push service. The poll is set far beyond any test's
 * length, so a push that arrives can only have been sent because the fan-out woke the worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import { call, CLUSTER, connectIm, connectStream, createGroup, eventually, register, send, signIn, startTestServer, type TestServer } from './helpers.ts';

/** Ten minutes: no test waits that long, so nothing here is sent by the safety-net poll. */
const NEVER_POLL_MS = 600_000;
let s: TestServer;
let svc: FakePushService;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  svc = await startPushService();
  s = await startTestServer({ push: { ca: svc.ca, pollMs: NEVER_POLL_MS } as never });
  svc.expectVapidKey(s.server.ctx.vapid.publicKey);
  const users = ['ada', 'ben', 'cal', 'dot', 'eve', 'fay', 'gil', 'hux', 'ivo', 'jo', 'kit'];
  await register(s, ...users);
  for (const u of users) tokens[u] = await signIn(s, u);
});
afterAll(async () => {
  await s.close();
  await svc.stop();
});

type Trace = { messageId: string; devices: { device_id: string; notifier: string; result: string }[] };
const devicesOf = async (user: string, id: string) =>
  (await call<{ data: Trace[] }>(s.base, 'GET', `/users/${user}/notification/trace`, { token: tokens[user] })).json.data.find((t) => t.messageId === id)?.devices;

async function bind(user: string, device: string, notifier: 'webpush' | 'stream'): Promise<string> {
  const sub = svc.createSubscription();
  const r = await call(s.base, 'PUT', `/users/${user}/push/binding`, {
    token: tokens[user], body: { device_id: device, device_token: notifier === 'webpush' ? JSON.stringify(sub) : 'stream', notifier_name: notifier },
  });
  expect(r.status).toBe(200);
  return sub.endpoint;
}

describe('the trace written with the message', () => {
  // One node only: in a cluster, PostgreSQL's NOTIFY wakes the workers without ctx.wake.
  it.skipIf(CLUSTER)('a Web Push row is "queued" until a worker sends it; a stream push is "sent" when the stream is open, "pending" when not', async () => {
    const endpoint = await bind('cal', 'cal-web', 'webpush');
    await bind('cal', 'cal-ext', 'stream');
    await bind('dot', 'dot-ext', 'stream');
    const stream = await connectStream(s, tokens.cal!, 'cal-ext');
    // No wake-up and no poll within the test: the Web Push row waits in the queue.
    const wake = s.server.ctx.wake;
    s.server.ctx.wake = () => undefined;
    try {
      const ids = await send(s, tokens.ada!, 'users', ['cal', 'dot'], 'traced');
      expect((await devicesOf('cal', ids.cal!))?.sort((a, b) => a.device_id.localeCompare(b.device_id))).toEqual([
        { device_id: 'cal-ext', notifier: 'stream', result: 'sent' },
        { device_id: 'cal-web', notifier: 'webpush', result: 'queued' },
      ]);
      expect(await devicesOf('dot', ids.dot!)).toEqual([{ device_id: 'dot-ext', notifier: 'stream', result: 'pending' }]);
      expect((await stream.next((f) => f.op === 'push')).push).toMatchObject({ m: ids.cal, t: 'cal', body: 'traced' });
      expect(await s.server.ctx.deliveries.count()).toBe(1);
      s.server.ctx.wake = wake;
      wake();
      await svc.waitFor((x) => x.endpoint === endpoint && x.payload?.m === ids.cal, 10_000);
    } finally {
      s.server.ctx.wake = wake;
      await stream.close();
    }
  });
});

describe('after the commit', () => {
  it('a fan-out that queued Web Push rows wakes the delivery worker: the push goes out at once, not at the next poll', async () => {
    const sub = svc.createSubscription();
    const r = await call(s.base, 'PUT', '/users/ben/push/binding', {
      token: tokens.ben, body: { device_id: 'ben-web', device_token: JSON.stringify(sub), notifier_name: 'webpush' },
    });
    expect(r.status).toBe(200);
    const id = (await send(s, tokens.ada!, 'users', ['ben'], 'wake up'))['ben']!;
    const p = await svc.waitFor((x) => x.endpoint === sub.endpoint && x.payload?.m === id, 10_000);
    expect(p.payload).toMatchObject({ m: id, t: 'ben', body: 'wake up' });
  });
});

describe('held for the summary (SPEC 1.7), under a frozen clock', () => {
  it('each message held by an app pause is counted once, mentions apart, and the summary goes out when the pause ends', async () => {
    const endpoint = await bind('eve', 'eve-web', 'webpush');
    const cfg = s.server.ctx.config;
    const t0 = Date.now();
    let now = t0;
    cfg.now = () => now;
    try {
      expect((await call(s.base, 'PUT', '/users/eve/notification/user/eve', { token: tokens.eve, body: { summary: true, ignoreDuration: 60_000 } })).status).toBe(200);
      // The last test's push was accepted, but its row goes when the outcome is settled (a batch):
      // under load that can be after this test starts, and the count below is about this test.
      await eventually(async () => ((await s.server.ctx.deliveries.count()) === 0 ? true : undefined), 10_000, 'an empty delivery queue');
      const g = await createGroup(s, 'ada', ['eve', 'fay']);
      const dm = (await send(s, tokens.ada!, 'users', ['eve'], 'direct'))['eve']!;
      const plain = (await send(s, tokens.fay!, 'chatgroups', [g], 'to all'))[g]!;
      const at = (await send(s, tokens.ada!, 'chatgroups', [g], 'to eve', { ext: { em_at_list: ['eve'] } }))[g]!;
      expect(await s.server.ctx.deliveries.count()).toBe(0);
      for (const id of [dm, plain, at]) {
        const r = await call<{ data: { messageId: string; push: boolean; reason: string }[] }>(s.base, 'GET', '/users/eve/notification/trace', { token: tokens.eve });
        expect(r.json.data.find((x) => x.messageId === id)).toMatchObject({ push: false, reason: 'DND_APP_DURATION' });
      }
      now = t0 + 60_000;
      s.server.ctx.wakeSummaries();
      const p = await svc.waitFor((x) => x.endpoint === endpoint && x.payload?.kind === 'summary', 10_000);
      expect(p.payload).toMatchObject({
        kind: 'summary', t: 'eve', count: 3, mentions: 2,
        conversations: expect.arrayContaining([{ id: g, type: 'groupChat', count: 2, mentions: 1 }, { id: 'ada', type: 'singleChat', count: 1, mentions: 1 }]),
      });
    } finally {
      cfg.now = Date.now;
    }
  });
});

describe('devices as the decision sees them', () => {
  it('a kicked resource that was never bound does not make the reason KICKED: with nothing bound it is NO_BINDING', async () => {
    const im = await connectIm(s, tokens.gil!, 'gil-phone');
    expect((await call(s.base, 'DELETE', '/users/gil/disconnect/gil-phone', { token: s.appToken })).status).toBe(200);
    await im.closed;
    const id = (await send(s, tokens.ada!, 'users', ['gil'], 'anyone?'))['gil']!;
    const r = await call<{ data: { messageId: string; reason: string }[] }>(s.base, 'GET', '/users/gil/notification/trace', { token: tokens.gil });
    expect(r.json.data.find((t) => t.messageId === id)?.reason).toBe('NO_BINDING');
  });

  it('a user online with nothing bound is ONLINE, not NO_BINDING (presence is decided first)', async () => {
    const im = await connectIm(s, tokens.ivo!, 'ivo-phone');
    try {
      const id = (await send(s, tokens.ada!, 'users', ['ivo'], 'here?'))['ivo']!;
      const r = await call<{ data: { messageId: string; reason: string }[] }>(s.base, 'GET', '/users/ivo/notification/trace', { token: tokens.ivo });
      expect(r.json.data.find((t) => t.messageId === id)?.reason).toBe('ONLINE');
    } finally {
      await im.close();
    }
  });

  it('under anyOffline, a resource online but never bound is no bound device: NO_BINDING, not ONLINE', async () => {
    const im = await connectIm(s, tokens.ivo!, 'ivo-tablet');
    expect((await call(s.base, 'PUT', '/push/policy', { token: s.appToken, body: { policy: 'anyOffline' } })).status).toBe(200);
    try {
      const id = (await send(s, tokens.ada!, 'users', ['ivo'], 'any offline?'))['ivo']!;
      const r = await call<{ data: { messageId: string; reason: string }[] }>(s.base, 'GET', '/users/ivo/notification/trace', { token: tokens.ivo });
      expect(r.json.data.find((t) => t.messageId === id)?.reason).toBe('NO_BINDING');
    } finally {
      await call(s.base, 'PUT', '/push/policy', { token: s.appToken, body: { policy: 'allOffline' } });
      await im.close();
    }
  });

  it('the badge counts only messages that came while no device was online (SPEC 1.6)', async () => {
    await bind('hux', 'hux-ext', 'stream');
    const im = await connectIm(s, tokens.hux!, 'hux-phone');
    await send(s, tokens.ada!, 'users', ['hux'], 'seen online');
    await im.close();
    const live = await connectStream(s, tokens.hux!, 'hux-ext');
    try {
      const id = (await send(s, tokens.ada!, 'users', ['hux'], 'while away'))['hux']!;
      expect((await live.next((f) => f.op === 'push')).push).toMatchObject({ m: id, badge: 1 });
    } finally {
      await live.close();
    }
  });

  it('a binding to a certificate the server no longer has is left out: the user\'s other devices are pushed, a user with only such bindings is NO_BINDING', async () => {
    await bind('jo', 'jo-web', 'webpush');
    await bind('jo', 'jo-ext', 'stream');
    await bind('kit', 'kit-ext', 'stream');
    // As after an operator removed the stream certificate and restarted: stored bindings still name it.
    const kept = s.nodes.map((n) => n.ctx.certificates);
    for (const n of s.nodes) n.ctx.certificates = n.ctx.certificates.filter((c) => c.name !== 'stream');
    try {
      const ids = await send(s, tokens.ada!, 'users', ['jo', 'kit'], 'which devices?');
      expect((await devicesOf('jo', ids.jo!))?.map((d) => [d.device_id, d.notifier])).toEqual([['jo-web', 'webpush']]);
      const r = await call<{ data: { messageId: string; reason: string }[] }>(s.base, 'GET', '/users/kit/notification/trace', { token: tokens.kit });
      expect(r.json.data.find((t) => t.messageId === ids.kit)?.reason).toBe('NO_BINDING');
    } finally {
      s.nodes.forEach((n, i) => (n.ctx.certificates = kept[i]!));
    }
  });
});
