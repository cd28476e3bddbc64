/**
 * Secrets never reach the logs: the server's real log lines (level trace, every line captured)
 * while signing in, using tokens, binding a Web Push subscription, authenticating both sockets,
 * sending a message and failing its delivery hold none of the credentials, tokens, subscription
 * secrets or message text.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePushService, type FakeSubscriptionJSON, startPushService } from '../fakes/push-service.ts';
import { call, connectIm, connectStream, eventually, send, type TestServer, startTestServer, WsClient } from './helpers.ts';

const secret = (what: string) => `${what}-${randomBytes(12).toString('base64url')}`;
const CLIENT_SECRET = secret('client-secret');
const PASSWORD = secret('password');
const TEXT = secret('message-text');

let s: TestServer;
let svc: FakePushService;
const lines: string[] = [];
let userToken = '';
let sub: FakeSubscriptionJSON;

beforeAll(async () => {
  svc = await startPushService();
  s = await startTestServer({
    clientId: 'log-test-client',
    clientSecret: CLIENT_SECRET,
    logger: { level: 'trace', stream: { write: (line: string) => void lines.push(line) } },
    push: { ca: svc.ca, maxAttempts: 2, backoffBaseMs: 50, pollMs: 20 } as never,
  });
  svc.expectVapidKey(s.server.ctx.vapid.publicKey);
}, 20_000);
afterAll(async () => {
  await s.close();
  await svc.stop();
});

describe('logs', () => {
  it('hold no password, client secret, token, subscription secret or message text', async () => {
    for (const username of ['lena', 'milo']) {
      const r = await call(s.base, 'POST', '/users', { token: s.appToken, body: { username, password: PASSWORD, nickname: username } });
      expect(r.status).toBe(200);
    }
    // Sign-in with the password (and once wrongly, and once as broken JSON that quotes it).
    const signIn = await call<{ access_token: string }>(s.base, 'POST', '/token', { body: { grant_type: 'password', username: 'lena', password: PASSWORD } });
    expect(signIn.status).toBe(200);
    userToken = signIn.json.access_token;
    const miloToken = (await call<{ access_token: string }>(s.base, 'POST', '/token', { body: { grant_type: 'password', username: 'milo', password: PASSWORD } })).json.access_token;
    expect((await call(s.base, 'POST', '/token', { body: { grant_type: 'password', username: 'lena', password: `${PASSWORD}x` } })).status).toBe(401);
    expect((await call(s.base, 'POST', '/token', { raw: `{"grant_type":"password","username":"lena","password":"${PASSWORD}"` })).status).toBe(400);
    // client_credentials with the secret (startTestServer did it once too), and a wrong one.
    expect((await call(s.base, 'POST', '/token', { body: { grant_type: 'client_credentials', client_id: 'log-test-client', client_secret: `${CLIENT_SECRET}x` } })).status).toBe(401);

    // Bearer requests, including a refused one and the binding with the subscription.
    sub = svc.createSubscription();
    const bind = await call(s.base, 'PUT', '/users/milo/push/binding', {
      token: miloToken, body: { device_id: 'milo-web', device_token: JSON.stringify(sub), notifier_name: 'webpush' },
    });
    expect(bind.status).toBe(200);
    expect((await call(s.base, 'GET', '/users/milo/push/binding', { token: miloToken })).status).toBe(200);
    expect((await call(s.base, 'GET', '/users/milo/push/binding', { token: userToken })).status).toBe(403);
    expect((await call(s.base, 'GET', '/users/milo/push/binding', { token: `${userToken}x` })).status).toBe(401);

    // Both sockets' auth frames, plus one with a wrong token.
    const im = await connectIm(s, userToken, 'lena-phone');
    const stream = await connectStream(s, userToken, 'lena-ext');
    const bad = await WsClient.open(`${s.base.replace('http', 'ws')}/ws`);
    bad.send({ op: 'auth', token: `${miloToken}x`, resource: 'r' });
    expect((await bad.closed).code).toBe(4001);

    // A message whose Web Push delivery fails every time (given up after 2 attempts).
    svc.failWith(sub.endpoint, { status: 500 });
    const id = (await send(s, userToken, 'users', ['milo'], TEXT)).milo!;
    await eventually(async () => {
      const t = await call<{ data: { messageId: string; devices: { result: string }[] }[] }>(s.base, 'GET', '/users/milo/notification/trace', { token: miloToken });
      return t.json.data.find((x) => x.messageId === id)?.devices[0]?.result.startsWith('failed') ? true : undefined;
    }, 10_000, 'the delivery to be given up');
    expect(svc.attempts(sub.endpoint)).toBe(2);
    await im.close();
    await stream.close();

    const log = lines.join('');
    // The capture works and saw the requests and the failure: a leak would show here.
    expect(log).toContain('incoming request');
    expect(log).toContain('web push not delivered');
    expect(log).toContain(new URL(sub.endpoint).origin);
    const endpointPath = new URL(sub.endpoint).pathname.split('/').pop()!;
    const secrets: Record<string, string> = {
      password: PASSWORD, 'client secret': CLIENT_SECRET, 'app token': s.appToken, 'user token': userToken, 'other user token': miloToken,
      'subscription p256dh': sub.keys.p256dh, 'subscription auth': sub.keys.auth, 'endpoint path': endpointPath, 'message text': TEXT,
    };
    for (const [what, value] of Object.entries(secrets)) {
      expect(value.length, what).toBeGreaterThan(8);
      expect(log.includes(value), `${what} appears in the log`).toBe(false);
    }
  }, 30_000);
});
