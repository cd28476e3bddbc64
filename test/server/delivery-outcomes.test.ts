/**
 * SPEC 4: what the delivery worker does with each answer of the push service, asserted through
 * the real server and the fake push service with counts that follow from the protocol (one
 * request per attempt) and, for Retry-After, the due time the worker stored under a frozen clock —
 * never how long something took.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, send } from './helpers.ts';
import { startWebPushServer, type WebPushServer } from './webpush-server.ts';

const MAX_ATTEMPTS = 3;
const BACKOFF_MS = 100;
const USERS = ['snd', 'r404', 'r400', 'r403', 'r413', 'rra', 'rdate', 'r200', 'r299', 'r300', 'rback', 'rcap', 'rkeys'];
let rig: WebPushServer;

beforeAll(async () => {
  // A day-long token: the Retry-After tests move the server's clock forward.
  rig = await startWebPushServer(USERS, { push: { backoffBaseMs: BACKOFF_MS, maxAttempts: MAX_ATTEMPTS, pollMs: 20 }, heartbeatMs: 60_000, tokenTtl: 86_400 });
});
afterAll(() => rig.close());

const dm = async (user: string, text: string) => (await send(rig.s, rig.tokens.snd!, 'users', [user], text))[user]!;
const bindings = async (user: string) => (await call<{ data: unknown[] }>(rig.s.base, 'GET', `/users/${user}/push/binding`, { token: rig.tokens[user] })).json.data;

describe('the worker acts on the push service answer (SPEC 4)', () => {
  it('a 404 removes the binding after one request, like a 410', async () => {
    const ep = await rig.bind('r404');
    rig.svc.failWith(ep, { status: 404 });
    const id = await dm('r404', 'unknown subscription');
    expect(await rig.settled('r404', id, 'gone')).toContain('binding removed');
    expect(await bindings('r404')).toEqual([]);
    expect(rig.svc.attempts(ep)).toBe(1);
  });

  it('after a 404 removed the binding, the next message queues nothing for that device (no stale cached binding)', async () => {
    const ep = await rig.bind('r404');
    rig.svc.failWith(ep, { status: 404 });
    const first = await dm('r404', 'unknown again');
    await rig.settled('r404', first, 'gone');
    const next = await dm('r404', 'after removal');
    const r = await call<{ data: { messageId: string; devices: unknown[] }[] }>(rig.s.base, 'GET', '/users/r404/notification/trace', { token: rig.tokens.r404 });
    expect(r.json.data.find((t) => t.messageId === next)?.devices).toEqual([]);
    expect(await rig.s.server.ctx.deliveries.count()).toBe(0);
    expect(rig.svc.attempts(ep)).toBe(1);
  });

  it.each([200, 299])('any 2xx answer (here %i) is a delivery', async (status) => {
    const user = `r${status}`;
    const ep = await rig.bind(user);
    rig.svc.failWith(ep, { status, times: 1 });
    const id = await dm(user, `answered ${status}`);
    expect(await rig.settled(user, id, 'sent')).toBe(`sent (HTTP ${status})`);
    expect(rig.svc.attempts(ep)).toBe(1);
  });

  it('a 300 is not a delivery, nor worth retrying: given up after its one request', async () => {
    const ep = await rig.bind('r300');
    rig.svc.failWith(ep, { status: 300 });
    const id = await dm('r300', 'redirected');
    expect(await rig.settled('r300', id, 'failed')).toBe('failed (HTTP 300)');
    expect(rig.svc.attempts(ep)).toBe(1);
  });

  it('a subscription whose keys cannot be used is given up at once, saying why, without a request', async () => {
    const sub = rig.svc.createSubscription();
    // 65 bytes starting with 4, as a binding requires, but not a point on P-256.
    const p256dh = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url');
    const r = await call(rig.s.base, 'PUT', '/users/rkeys/push/binding', {
      token: rig.tokens.rkeys, body: { device_id: 'rkeys-web', device_token: JSON.stringify({ ...sub, keys: { ...sub.keys, p256dh } }), notifier_name: 'webpush' },
    });
    expect(r.status).toBe(200);
    const id = await dm('rkeys', 'unreadable');
    expect(await rig.settled('rkeys', id, 'failed')).toMatch(/^failed \(cannot encrypt for this subscription: .+\)$/);
    expect(rig.svc.attempts(sub.endpoint)).toBe(0);
    expect(await bindings('rkeys')).toHaveLength(1);
  });

  it.each([400, 403, 413])('a non-retryable %i is given up after its one request, and the binding is kept', async (status) => {
    const user = `r${status}`;
    const ep = await rig.bind(user);
    rig.svc.failWith(ep, { status });
    const id = await dm(user, `answered ${status}`);
    await rig.settled(user, id, 'failed');
    // Given up on the first answer: no row is left that could be sent again, and the service saw
    // one request (a retried 4xx is sent maxAttempts times before it reads "failed").
    expect(await rig.s.server.ctx.deliveries.count()).toBe(0);
    expect(rig.svc.attempts(ep)).toBe(1);
    expect(await bindings(user)).toHaveLength(1);
  });
});

describe('Retry-After (SPEC 4), under a frozen clock', () => {
  /** Freezes the server clock (both nodes share it) at a whole second, for HTTP dates. */
  function freeze(): { at: number; set: (t: number) => void; restore: () => void } {
    const cfg = rig.s.server.ctx.config;
    let t = Math.floor(Date.now() / 1000) * 1000;
    cfg.now = () => t;
    return { at: t, set: (x) => { t = x; }, restore: () => { cfg.now = Date.now; } };
  }

  it('a 5xx is retried after the backoff, doubled per attempt and capped at backoffMaxMs', async () => {
    const ep = await rig.bind('rback');
    const push = rig.s.server.ctx.config.push;
    const maxBefore = push.backoffMaxMs;
    // Attempt 1 waits the base (100 ms); attempt 2 would wait 200 ms, capped at 150.
    push.backoffMaxMs = 150;
    const clock = freeze();
    try {
      rig.svc.failWith(ep, { status: 503 });
      const id = await dm('rback', 'failing service');
      expect(await rig.settled('rback', id, 'retrying')).toBe(`retrying (HTTP 503, attempt 1 of ${MAX_ATTEMPTS}, next in ${BACKOFF_MS} ms)`);
      expect(await rig.s.server.ctx.deliveries.nextDueAfter(clock.at)).toBe(clock.at + BACKOFF_MS);
      clock.set(clock.at + BACKOFF_MS);
      await eventually(() => (rig.svc.attempts(ep) === 2 ? true : undefined), 10_000, 'the second attempt');
      expect(await rig.settled('rback', id, 'retrying (HTTP 503, attempt 2')).toBe(`retrying (HTTP 503, attempt 2 of ${MAX_ATTEMPTS}, next in 150 ms)`);
      expect(await rig.s.server.ctx.deliveries.nextDueAfter(clock.at + BACKOFF_MS)).toBe(clock.at + BACKOFF_MS + 150);
      clock.set(clock.at + BACKOFF_MS + 150);
      expect(await rig.settled('rback', id, 'failed')).toBe(`failed (HTTP 503) after ${MAX_ATTEMPTS} attempts`);
      expect(rig.svc.attempts(ep)).toBe(MAX_ATTEMPTS);
    } finally {
      clock.restore();
      push.backoffMaxMs = maxBefore;
      rig.svc.clearFailure(ep);
    }
  });

  it('a Retry-After longer than retryAfterMaxMs waits only that long', async () => {
    const ep = await rig.bind('rcap');
    const push = rig.s.server.ctx.config.push;
    const capBefore = push.retryAfterMaxMs;
    push.retryAfterMaxMs = 5000;
    const clock = freeze();
    try {
      rig.svc.failWith(ep, { status: 429, retryAfter: '86400', times: 1 });
      const id = await dm('rcap', 'come back tomorrow');
      await rig.settled('rcap', id, 'retrying');
      expect(await rig.s.server.ctx.deliveries.nextDueAfter(clock.at)).toBe(clock.at + 5000);
      clock.set(clock.at + 5000);
      await rig.settled('rcap', id, 'sent');
      expect(rig.svc.attempts(ep)).toBe(2);
    } finally {
      clock.restore();
      push.retryAfterMaxMs = capBefore;
    }
  });

  it.each([
    ['seconds', (_t0: number) => '600', 600_000],
    ['an HTTP date', (t0: number) => new Date(t0 + 120_000).toUTCString(), 120_000],
  ])('a 429 with Retry-After as %s is retried exactly when the service asked, not after the backoff', async (_kind, header, waitMs) => {
    const user = waitMs === 600_000 ? 'rra' : 'rdate';
    const ep = await rig.bind(user);
    const clock = freeze();
    try {
      rig.svc.failWith(ep, { status: 429, retryAfter: header(clock.at), times: 1 });
      const id = await dm(user, 'slow down');
      await rig.settled(user, id, 'retrying');
      expect(rig.svc.attempts(ep)).toBe(1);
      // The row waits for the asked delay (the backoff would have been 100 ms).
      expect(await rig.s.server.ctx.deliveries.nextDueAfter(clock.at)).toBe(clock.at + waitMs);
      clock.set(clock.at + waitMs);
      await rig.svc.waitFor((p) => p.endpoint === ep && p.payload?.m === id, 10_000);
      await rig.settled(user, id, 'sent');
      expect(rig.svc.attempts(ep)).toBe(2);
    } finally {
      clock.restore();
    }
  });
});
