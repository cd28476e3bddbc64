/**
 * A push service that accepts the connection and never answers (SPEC 4 faults): each request
 * times out, is retried with backoff and then given up, the trace says so, and meanwhile the
 * worker keeps delivering everyone else's pushes.
 *
 * Nothing here depends on how fast the machine is: the server's clock is frozen, so a retry
 * (due after the backoff) happens only when the test moves the clock, and the counts follow from
 * the protocol; where a request must still hang while others go out, its timeout is longer than
 * any test may run and the test ends the hang itself.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import { call, eventually, register, send, signIn, startTestServer, type TestServer } from './helpers.ts';

/** An HTTPS server that reads each request and never responds (`drop` resets every open one). */
async function startSilentService(): Promise<{ origin: string; ca: string; hits: (path: string) => number; open: () => number; drop: () => void; stop: () => Promise<void> }> {
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
    drop: () => server.closeAllConnections(),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const TIMEOUT_MS = 1500;
/** Longer than a test may run: a request given this timeout hangs until the test drops it. */
const HANG_MS = 120_000;
const BACKOFF_MS = 100;

/** Freezes the server's clock (every node shares it); `restore` gives the real one back. */
function freeze(t: TestServer): { at: number; set: (x: number) => void; restore: () => void } {
  const cfg = t.server.ctx.config;
  let now = Date.now();
  const at = now;
  cfg.now = () => now;
  return { at, set: (x) => { now = x; }, restore: () => { cfg.now = Date.now; } };
}
let s: TestServer;
let svc: FakePushService;
let silent: Awaited<ReturnType<typeof startSilentService>>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  svc = await startPushService();
  silent = await startSilentService();
  s = await startTestServer({
    push: { ca: [svc.ca, silent.ca], timeoutMs: TIMEOUT_MS, maxAttempts: 2, backoffBaseMs: BACKOFF_MS, concurrency: 4, pollMs: 20 } as never,
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
  it('a hanging request does not hold up pushes to other services', async () => {
    // Its own server whose requests hang for longer than the test: no timeout can end the hang early.
    const t = await startTestServer({ push: { ca: [svc.ca, silent.ca], timeoutMs: HANG_MS, maxAttempts: 2, backoffBaseMs: BACKOFF_MS, concurrency: 4, pollMs: 20 } as never });
    try {
      svc.expectVapidKey(t.server.ctx.vapid.publicKey);
      await register(t, 'ida', 'jon', 'kim');
      const tok: Record<string, string> = {};
      for (const u of ['ida', 'jon', 'kim']) tok[u] = await signIn(t, u);
      const bindTo = async (user: string, endpoint?: string) => {
        const sub = svc.createSubscription();
        const subscription = endpoint ? { ...sub, endpoint } : sub;
        const r = await call(t.base, 'PUT', `/users/${user}/push/binding`, { token: tok[user], body: { device_id: `${user}-web`, device_token: JSON.stringify(subscription), notifier_name: 'webpush' } });
        expect(r.status).toBe(200);
        return subscription.endpoint;
      };
      await bindTo('jon', `${silent.origin}/push/jon`);
      const good = await bindTo('kim');
      // Frozen, so the retry after the test drops the hang never comes due before the server stops.
      freeze(t);
      await send(t, tok.ida!, 'users', ['jon'], 'into the void');
      await eventually(() => (silent.open() === 1 ? true : undefined), 5000, 'the silent request');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await send(t, tok.ida!, 'users', ['kim'], `hello ${i}`))['kim']!);
      for (const id of ids) await svc.waitFor((p) => p.endpoint === good && p.payload?.m === id, 10_000);
      // All five went while the one request still hung (it cannot have ended: its timeout is HANG_MS).
      expect(silent.open()).toBe(1);
      expect(silent.hits('/push/jon')).toBe(1);
      silent.drop();
    } finally {
      await t.close();
      svc.expectVapidKey(s.server.ctx.vapid.publicKey); // the shared fake service checks one key at a time
    }
  });

  it('times out, is retried once after the backoff, then given up with a trace; the binding stays', async () => {
    await bind('hal', `${silent.origin}/push/hal`);
    const good = await bind('gus');
    const clock = freeze(s);
    try {
      const halId = (await send(s, tokens.ann!, 'users', ['hal'], 'into the void'))['hal']!;
      // The first attempt timed out; its retry waits for the backoff, and the clock stands still.
      const first = await eventually(async () => {
        const r = await result('hal', halId);
        return r?.startsWith('retrying') ? r : undefined;
      }, 4 * TIMEOUT_MS + 5000, "hal's first attempt to time out");
      expect(first).toMatch(new RegExp(`^retrying \\(no answer within ${TIMEOUT_MS} ms, attempt 1 of 2`));
      expect(silent.hits('/push/hal')).toBe(1);
      expect(await s.server.ctx.deliveries.nextDueAfter(clock.at)).toBe(clock.at + BACKOFF_MS);

      clock.set(clock.at + BACKOFF_MS);
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
    } finally {
      clock.restore();
    }
  }, 30_000);
});

describe('many pushes to a service that never answers', () => {
  it('wait out its rest without holding the slots, so a healthy service behind them is not held up', async () => {
    // Two slots; six pushes to the silent service are queued before the healthy ones.
    const t = await startTestServer({
      push: { ca: [svc.ca, silent.ca], timeoutMs: TIMEOUT_MS, maxAttempts: 2, backoffBaseMs: BACKOFF_MS, concurrency: 2, pollMs: 20 } as never,
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
      const resultOf = async (user: string, id: string) => {
        const r = await call<{ data: { messageId: string; devices: { result: string }[] }[] }>(t.base, 'GET', `/users/${user}/notification/trace`, { token: tok[user] });
        return r.json.data.find((x) => x.messageId === id)?.devices[0]?.result;
      };
      // The clock stands still: each quiet row gets exactly one attempt (a request, or a wait
      // while the service rests) until the test moves it past the backoff.
      const clock = freeze(t);
      try {
        const held = await send(t, tok.pat!, 'users', quiet, 'nobody hears this');
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) ids.push((await send(t, tok.pat!, 'users', ['ray'], `healthy ${i}`))['ray']!);
        for (const id of ids) await svc.waitFor((p) => p.endpoint === good && p.payload?.m === id, 4 * TIMEOUT_MS + 5000);
        const first = await Promise.all(quiet.map((u) => eventually(async () => {
          const r = await resultOf(u, held[u]!);
          return r?.startsWith('retrying') ? r : undefined;
        }, 4 * TIMEOUT_MS + 5000, `${u}'s first attempt`)));
        // Only one request per slot reached the silent service (two slots per node; each node
        // learns by itself that the service rests): every other row waited out its rest instead
        // of holding a slot for a whole timeout.
        const hits = () => quiet.reduce((n, u) => n + silent.hits(`/push/many-${u}`), 0);
        const timedOut = first.filter((r) => r.startsWith(`retrying (no answer within ${TIMEOUT_MS} ms, attempt 1 of 2`)).length;
        const waited = first.filter((r) => r.startsWith(`retrying (${silent.origin} is not answering, attempt 1 of 2`)).length;
        expect(timedOut + waited).toBe(quiet.length);
        expect(hits()).toBe(timedOut);
        expect(timedOut).toBeGreaterThanOrEqual(2);
        expect(timedOut).toBeLessThanOrEqual(2 * t.nodes.length);

        // Past the backoff (and the rest), every row gets its second and last attempt.
        clock.set(clock.at + BACKOFF_MS);
        for (const u of quiet) {
          const final = await eventually(async () => {
            const r = await resultOf(u, held[u]!);
            return r?.startsWith('failed') ? r : undefined;
          }, 6 * TIMEOUT_MS + 5000, `${u}'s push to be given up`);
          expect(final).toMatch(/after 2 attempts$/);
        }
      } finally {
        clock.restore();
      }
      expect(await t.server.ctx.deliveries.count()).toBe(0);
    } finally {
      await t.close();
    }
  }, 40_000);
});
