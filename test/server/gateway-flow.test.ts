/**
 * SPEC 9's main flows in this process (the cluster run: each server is two nodes on PostgreSQL +
 * Redis): A sends callbacks to B, B is a gateway with A as upstream. The process-level tests
 * (crash, restart, start-up refusals, A down) are in test/gateway/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackConfig } from '../../src/server/config.ts';
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import { call, eventually, register, signIn, startTestServer, type TestServer } from './helpers.ts';

const SECRET = 'flow-callback-secret';

let svc: FakePushService;
let a: TestServer;
let b: TestServer;
let aliceB = '';

beforeAll(async () => {
  svc = await startPushService();
  // The URL is filled in once B listens (B must start after A: it checks A at start).
  const callback: CallbackConfig = { url: 'http://127.0.0.1:9/', secret: SECRET, retryMs: 500, timeoutMs: 2000 };
  a = await startTestServer({ callback });
  await register(a, 'alice', 'bob');
  b = await startTestServer({
    push: { ca: svc.ca } as never,
    gateway: { upstream: a.url, appKey: 'demo#im', clientId: a.server.ctx.credentials.clientId, clientSecret: a.server.ctx.credentials.clientSecret, callbackSecret: SECRET, mirrorSettings: true, decideDelayMs: 0 },
  });
  callback.url = `${b.url}/demo/im/callbacks/easemob`;
  svc.expectVapidKey(b.server.ctx.vapid.publicKey);
});

afterAll(async () => {
  await b?.close();
  await a?.close();
  await svc?.stop();
});

describe('gateway flows (SPEC 9)', () => {
  it('signs alice in through A, and her browser gets bob\'s message sent at A, with her rules at B', async () => {
    const r = await call<{ access_token: string }>(b.base, 'POST', '/token', { body: { grant_type: 'password', username: 'alice', password: 'alice' } });
    expect(r.status).toBe(200);
    aliceB = r.json.access_token;
    expect((await call(b.base, 'POST', '/token', { body: { grant_type: 'password', username: 'alice', password: 'nope' } })).status).toBe(401);
    expect((await call(b.base, 'PUT', '/users/alice/push/binding', { token: aliceB, body: { device_id: 'chrome', device_token: JSON.stringify(svc.createSubscription()), notifier_name: 'webpush' } })).status).toBe(200);
    const bob = await signIn(a, 'bob');
    const sendAt = async (text: string, ext?: Record<string, unknown>) =>
      expect((await call(a.base, 'POST', '/messages/users', { token: bob, body: { to: ['alice'], type: 'txt', body: { msg: text }, ...(ext ? { ext } : {}) } })).status).toBe(200);
    await sendAt('first');
    expect((await svc.waitFor((p) => p.payload?.body === 'first', 10_000)).payload).toMatchObject({ t: 'alice', f: 'bob', badge: 1 });
    expect((await call(b.base, 'PUT', '/users/alice/notification/user/alice', { token: aliceB, body: { ignoreDuration: 600_000, summary: true } })).status).toBe(200);
    await sendAt('held');
    await sendAt('forced', { em_force_notification: 'YES' });
    // Callbacks are posted and decided concurrently (two nodes in cluster runs): 'held' may be decided after 'forced'.
    expect([2, 3]).toContain((await svc.waitFor((p) => p.payload?.body === 'forced', 10_000)).payload?.badge);
    expect(svc.received.some((p) => p.payload?.body === 'held')).toBe(false);
    const trace = await call<{ data: { reason: string }[] }>(b.base, 'GET', '/users/alice/notification/trace?limit=2', { token: aliceB });
    // The two newest decisions, in the order they were decided (either, as above).
    expect(trace.json.data.map((e) => e.reason).sort()).toEqual(['DND_APP_DURATION', 'PUSH']);
  });

  it('a chat from alice upstream resets her offline count and drops her pending summary at B', async () => {
    await eventually(async () => ((await b.server.ctx.store.summaries.get('alice')) ? true : undefined), 5000, 'a summary pending for the held message');
    const aliceA = await signIn(a, 'alice');
    expect((await call(a.base, 'POST', '/messages/users', { token: aliceA, body: { to: ['bob'], type: 'txt', body: { msg: 'I am here' } } })).status).toBe(200);
    await eventually(async () => ((await b.server.ctx.store.summaries.get('alice')) ? undefined : true), 5000, 'the summary dropped');
    const count = await call<{ data: Record<string, number> }>(b.base, 'GET', '/users/alice/offline_msg_count', { token: aliceB });
    expect(count.json.data.alice).toBe(0);
  });

  it('mirrors the change to A and counts callbacks on both sides', async () => {
    const aliceA = await signIn(a, 'alice');
    await eventually(async () => {
      const r = await call<{ data: { ignoreDuration: number } }>(a.base, 'GET', '/users/alice/notification/user/alice', { token: aliceA });
      return r.json.data.ignoreDuration > Date.now() ? true : undefined;
    }, 10_000, 'the duration mirrored at A');
    const sent = await call<{ data: { sent: Record<string, number> } }>(a.base, 'GET', '/callbacks/status', { token: a.appToken });
    expect(sent.json.data.sent).toMatchObject({ sent: 8, pending: 0 });
    const got = await eventually(async () => {
      const r = await call<{ data: { received: Record<string, number> } }>(b.base, 'GET', '/callbacks/status', { token: b.appToken });
      return r.json.data.received.pending === 0 ? r.json.data.received : undefined;
    }, 5000, 'B done deciding');
    expect(got).toEqual({ pending: 0, 'chat: sender not signed in here': 3, 'chat: offline count reset': 1, 'chat_offline: recipient not signed in here': 1, 'chat_offline: pushed': 2, 'chat_offline: held': 1 });
  });

  it('a write the upstream refuses is given up and shown in the user\'s gateway status; the next accepted one of the same settings clears it', async () => {
    const g = await call<{ data: { groupid: string } }>(a.base, 'POST', '/chatgroups', { token: a.appToken, body: { groupname: 'g', owner: 'alice', members: ['bob'] } });
    const group = g.json.data.groupid;
    // A turns advanced settings off: its settings writes answer 403 service_not_enabled.
    expect((await call(a.base, 'PUT', '/push/features', { token: a.appToken, body: { advanced: false } })).status).toBe(200);
    expect((await call(b.base, 'PUT', `/users/alice/notification/chatgroup/${group}`, { token: aliceB, body: { type: 'AT' } })).status).toBe(200);
    const refused = await eventually(async () => {
      const r = await call<{ data: { upstream: string; mirror: { pending: number; lastError?: { what: string; error: string } } } }>(b.base, 'GET', '/users/alice/gateway/status', { token: aliceB });
      return r.json.data.mirror.lastError && r.json.data.mirror.pending === 0 ? r.json.data : undefined;
    }, 10_000, 'the refusal shown');
    expect(refused.upstream).toBe('demo#im');
    expect(refused.mirror.lastError).toMatchObject({ what: 'conversation' });
    expect(refused.mirror.lastError!.error).toMatch(/refused the conversation settings \(HTTP 403: Advanced push settings are turned off/);
    expect((await call(a.base, 'PUT', '/push/features', { token: a.appToken, body: { advanced: true } })).status).toBe(200);
    // Another target's success leaves the error shown; the same target's clears it.
    expect((await call(b.base, 'PUT', '/users/alice/notification/language', { token: aliceB, body: { translationLanguage: 'fr' } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const still = await call<{ data: { mirror: { lastError?: unknown } } }>(b.base, 'GET', '/users/alice/gateway/status', { token: aliceB });
    expect(still.json.data.mirror.lastError).toBeDefined();
    expect((await call(b.base, 'PUT', `/users/alice/notification/chatgroup/${group}`, { token: aliceB, body: { type: 'AT' } })).status).toBe(200);
    await eventually(async () => {
      const r = await call<{ data: { mirror: { pending: number; lastError?: unknown } } }>(b.base, 'GET', '/users/alice/gateway/status', { token: aliceB });
      return r.json.data.mirror.pending === 0 && !r.json.data.mirror.lastError ? true : undefined;
    }, 10_000, 'the error cleared');
    const aliceA = await signIn(a, 'alice');
    expect((await call<{ data: { language: string } }>(a.base, 'GET', '/users/alice/notification/language', { token: aliceA })).json.data.language).toBe('fr');
    expect((await call<{ data: { type?: string } }>(a.base, 'GET', `/users/alice/notification/chatgroup/${group}`, { token: aliceA })).json.data.type).toBe('AT');
  });

  it('a write whose process died before it asked for the mirror is still mirrored, by the copy queued before the write', async () => {
    // As the language route does, but stopping after the local write (the process "died" there).
    await b.server.ctx.gateway!.mirror('alice', { what: 'language' }, 'before');
    await b.server.ctx.users.setLanguage('alice', 'de');
    const aliceA = await signIn(a, 'alice');
    const read = async () => (await call<{ data: { language: string } }>(a.base, 'GET', '/users/alice/notification/language', { token: aliceA })).json.data.language;
    expect(await read()).not.toBe('de');
    await eventually(async () => ((await read()) === 'de' ? true : undefined), 10_000, 'the safety copy mirrored');
  }, 20_000);
});
