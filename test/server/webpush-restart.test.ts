/**
 * Queued Web Push survives a restart (the delivery worker's promise: rows live in the store, not
 * in memory). While the push service answers 503 the rows wait with their attempts counted; the
 * server stops; the next server on the same data (or PostgreSQL schema) sends each exactly once,
 * with the payload of its own message. Runs on one node and on the cluster.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import { call, eventually, register, send, signIn, startTestServer, type TestServer } from './helpers.ts';

let svc: FakePushService;
beforeAll(async () => {
  svc = await startPushService();
});
afterAll(async () => {
  await svc.stop();
});

/** A restarted "server" in cluster runs reopens the same PostgreSQL schema and Redis prefix. */
function reuseOf(t: TestServer): { reuse?: { schema?: string | undefined; prefix?: string | undefined } } {
  const c = t.server.ctx.config;
  return c.postgres ? { reuse: { schema: c.postgresSchema, prefix: c.redisPrefix } } : {};
}

it('queued Web Push rows are sent once each by the next server after a restart', async () => {
  // Long backoff: after its first refused attempt, no row comes due again before the restart.
  const push = { ca: svc.ca, backoffBaseMs: 60_000, maxAttempts: 5, pollMs: 20 };
  const t = await startTestServer({ push: push as never });
  let again: TestServer | undefined;
  try {
    svc.expectVapidKey(t.server.ctx.vapid.publicKey);
    await register(t, 'rea', 'rob');
    const rea = await signIn(t, 'rea');
    const rob = await signIn(t, 'rob');
    const sub = svc.createSubscription();
    const bound = await call(t.base, 'PUT', '/users/rea/push/binding', {
      token: rea, body: { device_id: 'rea-web', device_token: JSON.stringify(sub), notifier_name: 'webpush' },
    });
    expect(bound.status).toBe(200);
    svc.failWith(sub.endpoint, { status: 503 });
    const ids: string[] = [];
    for (const text of ['one', 'two', 'three']) ids.push((await send(t, rob, 'users', ['rea'], text)).rea!);
    // Each row was tried once and refused: they are in the store, due in a minute.
    await eventually(() => (svc.attempts(sub.endpoint) >= 3 ? true : undefined), 10_000, 'three refused attempts');
    expect(svc.pushesFor(sub.endpoint)).toEqual([]);
    for (const n of t.nodes) await n.close();

    svc.clearFailure(sub.endpoint);
    // The restarted server starts with its clock a minute and a half on: the rows are due.
    const skew = 90_000;
    again = await startTestServer({ push: push as never, dataDir: t.dataDir, now: () => Date.now() + skew, ...reuseOf(t) });
    const got = await eventually(() => {
      const p = svc.pushesFor(sub.endpoint);
      return p.length >= 3 ? p : undefined;
    }, 15_000, 'the three pushes after the restart');
    // A little longer: a row sent twice would show here.
    await new Promise((r) => setTimeout(r, 500));
    const received = svc.pushesFor(sub.endpoint).map((p) => p.payload?.m);
    expect(received.sort()).toEqual([...ids].sort());
    expect(got.map((p) => p.payload?.t)).toEqual(['rea', 'rea', 'rea']);
    const trace = await call<{ data: { messageId: string; devices: { device_id: string; result: string }[] }[] }>(
      again.base, 'GET', '/users/rea/notification/trace', { token: rea },
    );
    for (const id of ids) {
      expect(trace.json.data.find((d) => d.messageId === id)?.devices).toEqual([expect.objectContaining({ device_id: 'rea-web', result: expect.stringMatching(/^sent/) })]);
    }
  } finally {
    await again?.close();
    await t.close().catch(() => undefined);
  }
});
