/**
 * What the delivery worker tells the operator (worker.ts, `record`): a push that was not
 * delivered is logged once per answer, with who, which device and message, the push service's
 * origin (never the endpoint's path) and the result; a sent push is not logged at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import { call, eventually, register, send, signIn, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
let svc: FakePushService;
const lines: string[] = [];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  svc = await startPushService();
  s = await startTestServer({
    logger: { level: 'warn', stream: { write: (line: string) => void lines.push(line) } },
    push: { ca: svc.ca, maxAttempts: 3, pollMs: 20 } as never,
  });
  svc.expectVapidKey(s.server.ctx.vapid.publicKey);
  await register(s, 'ola', 'pia', 'quy');
  for (const u of ['ola', 'pia', 'quy']) tokens[u] = await signIn(s, u);
});
afterAll(async () => {
  await s.close();
  await svc.stop();
});

async function bind(user: string): Promise<string> {
  const sub = svc.createSubscription();
  const r = await call(s.base, 'PUT', `/users/${user}/push/binding`, {
    token: tokens[user], body: { device_id: `${user}-web`, device_token: JSON.stringify(sub), notifier_name: 'webpush' },
  });
  expect(r.status).toBe(200);
  return sub.endpoint;
}

const settled = (user: string, id: string, prefix: string) => eventually(async () => {
  const r = await call<{ data: { messageId: string; devices: { result: string }[] }[] }>(s.base, 'GET', `/users/${user}/notification/trace`, { token: tokens[user] });
  const result = r.json.data.find((t) => t.messageId === id)?.devices[0]?.result;
  return result?.startsWith(prefix) ? result : undefined;
}, 10_000, `${user}'s push to be "${prefix}…"`);

const notDelivered = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'web push not delivered');

describe('the delivery log', () => {
  it('one warning per push not delivered, naming user, device, message, service origin and result; none for a sent push', async () => {
    await bind('pia');
    const refused = await bind('quy');
    svc.failWith(refused, { status: 400 });
    const sent = await send(s, tokens.ola!, 'users', ['pia', 'quy'], 'hello both');
    await settled('pia', sent.pia!, 'sent');
    await settled('quy', sent.quy!, 'failed');
    const warned = notDelivered();
    expect(warned).toEqual([expect.objectContaining({
      level: 40, user: 'quy', device: 'quy-web', seq: expect.any(Number), service: svc.origin, result: 'failed (HTTP 400)',
    })]);
    expect(JSON.stringify(warned)).not.toContain(new URL(refused).pathname);
  });
});
