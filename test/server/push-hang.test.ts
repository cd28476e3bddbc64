/**
 * A push service that accepts the connection and never answers (SPEC 4 faults): each request
 * times out, is retried with backoff and then given up, the trace says so, and meanwhile the
 * worker keeps delivering everyone else's pushes.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import { call, eventually, register, send, signIn, startTestServer, type TestServer } from './helpers.ts';

/** An HTTPS server that reads each request and never responds. */
async function startSilentService(): Promise<{ origin: string; ca: string; hits: (path: string) => number; open: () => number; stop: () => Promise<void> }> {
  // A subject of its own: with the fake service's (same CN) the trust store would pick the wrong CA.
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'silent-push-service' }], {
    keyType: 'ec', algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: true }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const hits = new Map<string, number>();
  let open = 0;
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req) => {
    hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
    open++;
    req.resume();
    req.socket.once('close', () => open--);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: pems.cert,
    hits: (path) => hits.get(path) ?? 0,
    open: () => open,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const TIMEOUT_MS = 1500;
let s: TestServer;
let svc: FakePushService;
let silent: Awaited<ReturnType<typeof startSilentService>>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  svc = await startPushService();
  silent = await startSilentService();
  s = await startTestServer({
    push: { ca: [svc.ca, silent.ca], timeoutMs: TIMEOUT_MS, maxAttempts: 2, backoffBaseMs: 100, concurrency: 4, pollMs: 20 } as never,
  });
  svc.expectVapidKey(s.server.ctx.vapid.publicKey);
  await register(s, 'ann', 'hal', 'gus');
  for (const u of ['ann', 'hal', 'gus']) tokens[u] = await signIn(s, u);
}, 20_000);
afterAll(async () => {
  await s.close();
  await silent.stop();
  await svc.stop();
});

async function bind(user: string, endpoint?: string): Promise<string> {
  const sub = svc.createSubscription();
  // Real keys from the fake service; the endpoint may point at the silent one instead.
  const subscription = endpoint ? { ...sub, endpoint } : sub;
  const r = await call(s.base, 'PUT', `/users/${user}/push/binding`, {
    token: tokens[user], body: { device_id: `${user}-web`, device_token: JSON.stringify(subscription), notifier_name: 'webpush' },
  });
  expect(r.status).toBe(200);
  return subscription.endpoint;
}

async function result(user: string, id: string): Promise<string | undefined> {
  const r = await call<{ data: { messageId: string; devices: { result: string }[] }[] }>(s.base, 'GET', `/users/${user}/notification/trace`, { token: tokens[user] });
  return r.json.data.find((t) => t.messageId === id)?.devices[0]?.result;
}

describe('a push service that never answers', () => {
  it('times out, retries with backoff, gives up with a trace, and does not hold up other pushes', async () => {
    await bind('hal', `${silent.origin}/push/hal`);
    const good = await bind('gus');
    const halId = (await send(s, tokens.ann!, 'users', ['hal'], 'into the void'))['hal']!;
    await eventually(() => (silent.hits('/push/hal') ? true : undefined), 5000, 'the silent request');

    // While the silent request hangs, five pushes to a healthy service all arrive.
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await send(s, tokens.ann!, 'users', ['gus'], `hello ${i}`))['gus']!);
    for (const id of ids) await svc.waitFor((p) => p.endpoint === good && p.payload?.m === id, 5000);
    // ...within the first attempt's lifetime: no retry has happened yet, it is still open.
    expect(silent.open()).toBe(1);
    expect(silent.hits('/push/hal')).toBe(1);
    expect(await result('hal', halId)).toBe('queued');

    // The hanging one: each attempt timed out, retried once after the backoff, then given up.
    const final = await eventually(async () => {
      const r = await result('hal', halId);
      return r?.startsWith('failed') ? r : undefined;
    }, 4 * TIMEOUT_MS + 5000, "hal's push to be given up");
    expect(final).toBe(`failed (no answer within ${TIMEOUT_MS} ms) after 2 attempts`);
    expect(silent.hits('/push/hal')).toBe(2);
    expect(await s.server.ctx.deliveries.count()).toBe(0);
    // The binding stays (a silent service is not a "gone" subscription), and the worker still works.
    expect((await call<{ data: unknown[] }>(s.base, 'GET', '/users/hal/push/binding', { token: tokens.hal })).json.data).toHaveLength(1);
    const after = (await send(s, tokens.ann!, 'users', ['gus'], 'still here'))['gus']!;
    await svc.waitFor((p) => p.endpoint === good && p.payload?.m === after, 5000);
    await eventually(async () => ((await result('gus', after))?.startsWith('sent') ? true : undefined), 5000, 'the last push traced as sent');
  }, 30_000);
});

describe('many pushes to a service that never answers', () => {
  it('wait out its rest without holding the slots, so a healthy service behind them is not held up', async () => {
    // Two slots; six pushes to the silent service are queued before the healthy ones.
    const t = await startTestServer({
      push: { ca: [svc.ca, silent.ca], timeoutMs: TIMEOUT_MS, maxAttempts: 2, backoffBaseMs: 100, concurrency: 2, pollMs: 20 } as never,
    });
    try {
      svc.expectVapidKey(t.server.ctx.vapid.publicKey);
      const quiet = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'];
      await register(t, 'pat', 'ray', ...quiet);
      const tok: Record<string, string> = {};
      for (const u of ['pat', 'ray', ...quiet]) tok[u] = await signIn(t, u);
      const bindTo = async (user: string, endpoint?: string) => {
        const sub = svc.createSubscription();
        const subscription = endpoint ? { ...sub, endpoint } : sub;
        const r = await call(t.base, 'PUT', `/users/${user}/push/binding`, {
          token: tok[user], body: { device_id: `${user}-web`, device_token: JSON.stringify(subscription), notifier_name: 'webpush' },
        });
        expect(r.status).toBe(200);
        return subscription.endpoint;
      };
      for (const u of quiet) await bindTo(u, `${silent.origin}/push/many-${u}`);
      const good = await bindTo('ray');
      const held = await send(t, tok.pat!, 'users', quiet, 'nobody hears this');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await send(t, tok.pat!, 'users', ['ray'], `healthy ${i}`))['ray']!);
      for (const id of ids) await svc.waitFor((p) => p.endpoint === good && p.payload?.m === id, 4 * TIMEOUT_MS + 5000);
      // Only the first request per slot ever reached the silent service before the healthy pushes
      // went (two slots per node; each node learns by itself that the service rests): the others
      // waited out its rest instead of each holding a slot for a whole timeout.
      const hits = () => quiet.reduce((n, u) => n + silent.hits(`/push/many-${u}`), 0);
      expect(hits()).toBe(2 * t.nodes.length);
      const resultOf = async (user: string, id: string) => {
        const r = await call<{ data: { messageId: string; devices: { result: string }[] }[] }>(t.base, 'GET', `/users/${user}/notification/trace`, { token: tok[user] });
        return r.json.data.find((x) => x.messageId === id)?.devices[0]?.result;
      };
      const waiting = await Promise.all(quiet.slice(2 * t.nodes.length).map((u) => resultOf(u, held[u]!)));
      for (const r of waiting) expect(r).toMatch(new RegExp(`^retrying \\(${silent.origin.replace(/[.:/]/g, '\\$&')} is not answering, attempt 1 of 2`));
      // All six are given up in the end, and nothing is left in the queue.
      for (const u of quiet) {
        const final = await eventually(async () => {
          const r = await resultOf(u, held[u]!);
          return r?.startsWith('failed') ? r : undefined;
        }, 6 * TIMEOUT_MS + 5000, `${u}'s push to be given up`);
        expect(final).toMatch(/after 2 attempts$/);
      }
      expect(await t.server.ctx.deliveries.count()).toBe(0);
    } finally {
      await t.close();
    }
  }, 40_000);
});
