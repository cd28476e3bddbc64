/**
 * The push pipeline's after-commit duties (pipeline.ts, step 4): what it wakes and what it sends
 * live, through the real server and the fake push service. The poll is set far beyond any test's
 * length, so a push that arrives can only have been sent because the fan-out woke the worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import { call, register, send, signIn, startTestServer, type TestServer } from './helpers.ts';

/** Ten minutes: no test waits that long, so nothing here is sent by the safety-net poll. */
const NEVER_POLL_MS = 600_000;
let s: TestServer;
let svc: FakePushService;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  svc = await startPushService();
  s = await startTestServer({ push: { ca: svc.ca, pollMs: NEVER_POLL_MS } as never });
  svc.expectVapidKey(s.server.ctx.vapid.publicKey);
  await register(s, 'ada', 'ben');
  for (const u of ['ada', 'ben']) tokens[u] = await signIn(s, u);
});
afterAll(async () => {
  await s.close();
  await svc.stop();
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
