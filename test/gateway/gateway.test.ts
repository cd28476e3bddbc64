/**
 * SPEC 9 end to end, two server processes on loopback: A in normal mode sends its message
 * callbacks to B; B is a push gateway with A as its upstream (and --mirror-settings). Alice's
 * browser subscription is bound at B; bob sends through A; the fake push service receives what
 * B decides. Under IMPC_TEST_ENGINE=cluster both run on PostgreSQL + Redis instead of SQLite.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackSignature } from '../../src/server/callbacks/body.ts';
import { type FakePushService, type ReceivedPush, startPushService } from '../fakes/push-service.ts';
import { call, eventually, tempDir } from '../server/helpers.ts';
import { dropProcData, killAllProcs, type Proc, type ProcSpec, procSpec, refusedStart, startProc, stopProc } from './procs.ts';

const SECRET = 'callback-secret-for-tests';
const APP_KEY = 'demo#im';
const RETRY_MS = 6000;

let svc: FakePushService;
let specA: ProcSpec;
let specB: ProcSpec;
let a: Proc;
let b: Proc;
let appA = '';
let appB = '';
let bobA = '';
let aliceB = '';
let aliceA = '';

async function token(base: string, body: Record<string, unknown>): Promise<string> {
  const r = await call<{ access_token: string }>(base, 'POST', '/token', { body });
  if (r.status !== 200) throw new Error(`token: ${JSON.stringify(r.json)}`);
  return r.json.access_token;
}
const appToken = (base: string, spec: ProcSpec) => token(base, { grant_type: 'client_credentials', client_id: spec.env.CLIENT_ID, client_secret: spec.env.CLIENT_SECRET });

async function sendAsBob(text: string, ext?: Record<string, unknown>): Promise<string> {
  const r = await call<{ data: Record<string, string> }>(a.base, 'POST', '/messages/users', { token: bobA, body: { to: ['alice'], type: 'txt', body: { msg: text }, ...(ext ? { ext } : {}) } });
  expect(r.status).toBe(200);
  return r.json.data.alice!;
}

const pushesOf = (text: string) => svc.received.filter((p) => p.payload?.body === text);
const waitPush = (text: string, ms = 15_000): Promise<ReceivedPush> => svc.waitFor((p) => p.payload?.body === text, ms);

/** A callback as A would send it, signed with `secret`. */
function signed(over: Record<string, unknown> = {}, secret = SECRET): Record<string, unknown> {
  const callId = (over.callId as string | undefined) ?? `${APP_KEY}_${randomUUID()}`;
  const timestamp = (over.timestamp as number | undefined) ?? Date.now();
  return {
    callId, eventType: 'chat_offline', timestamp, chat_type: 'chat', from: 'bob', to: 'alice', msg_id: String(Date.now()) + Math.floor(Math.random() * 1e6),
    payload: { bodies: [{ type: 'txt', msg: 'direct callback' }] }, securityVersion: '1.0.0', appkey: APP_KEY, host: 'test',
    security: callbackSignature(callId, secret, timestamp),
    ...over,
  };
}

const status = async () => (await call<{ data: { received: Record<string, number> } }>(b.base, 'GET', '/callbacks/status', { token: appB })).json.data;

beforeAll(async () => {
  svc = await startPushService();
  const caFile = join(tempDir('impc-gw-ca-'), 'ca.pem');
  writeFileSync(caFile, svc.ca);
  specB = await procSpec('b', [], { NODE_EXTRA_CA_CERTS: caFile });
  specA = await procSpec('a', ['--callback-url', `http://127.0.0.1:${specB.port}/demo/im/callbacks/easemob`, '--callback-secret', SECRET, '--callback-retry-ms', String(RETRY_MS)]);
  specB.flags.push(
    '--upstream', `http://127.0.0.1:${specA.port}`, '--upstream-app-key', APP_KEY, '--upstream-client-id', specA.env.CLIENT_ID!,
    '--upstream-client-secret', specA.env.CLIENT_SECRET!, '--callback-secret', SECRET, '--mirror-settings',
  );
  a = await startProc(specA);
  appA = await appToken(a.base, specA);
  for (const u of ['alice', 'bob']) expect((await call(a.base, 'POST', '/users', { token: appA, body: { username: u, password: `${u}-pw`, nickname: u.toUpperCase() } })).status).toBe(200);
  bobA = await token(a.base, { grant_type: 'password', username: 'bob', password: 'bob-pw' });
  aliceA = await token(a.base, { grant_type: 'password', username: 'alice', password: 'alice-pw' });
  b = await startProc(specB);
  appB = await appToken(b.base, specB);
  const certs = await call<{ data: { name: string; vapidPublicKey?: string }[] }>(b.base, 'GET', '/push/certificates', { token: appB });
  svc.expectVapidKey(certs.json.data.find((c) => c.name === 'webpush')!.vapidPublicKey!);
}, 120_000);

afterAll(async () => {
  await killAllProcs();
  await svc?.stop();
  await dropProcData(specA);
  await dropProcData(specB);
});

describe('gateway mode (SPEC 9.2) with callbacks from another instance (9.1)', () => {
  it('refuses to start when the upstream is unreachable or refuses its client credentials', async () => {
    const down = await procSpec('x', ['--upstream', 'http://127.0.0.1:9', '--upstream-app-key', APP_KEY, '--upstream-client-id', 'id', '--upstream-client-secret', 'secret', '--callback-secret', SECRET]);
    const r1 = await refusedStart(down);
    expect(r1.code).toBe(1);
    expect(r1.output).toMatch(/Cannot reach the upstream at http:\/\/127\.0\.0\.1:9 .*Check --upstream/);
    const wrong = await procSpec('y', ['--upstream', a.url, '--upstream-app-key', APP_KEY, '--upstream-client-id', specA.env.CLIENT_ID!, '--upstream-client-secret', 'not-the-secret-at-all', '--callback-secret', SECRET]);
    const r2 = await refusedStart(wrong);
    expect(r2.code).toBe(1);
    expect(r2.output).toMatch(/The upstream demo#im refused the client credentials .*--upstream-client-id/);
  }, 60_000);

  it('signs in through the upstream (our own token, no password kept); a wrong password is refused by the upstream\'s answer', async () => {
    const r = await call<{ access_token: string; user: { username: string; nickname: string } }>(b.base, 'POST', '/token', { body: { grant_type: 'password', username: 'alice', password: 'alice-pw' } });
    expect(r.status).toBe(200);
    expect(r.json.user).toMatchObject({ username: 'alice', nickname: 'ALICE' });
    aliceB = r.json.access_token;
    // Our token, not the upstream's: A does not know it.
    expect((await call(a.base, 'GET', '/users/alice', { token: aliceB })).status).toBe(401);
    expect((await call(b.base, 'GET', '/users/alice', { token: aliceB })).status).toBe(200);
    const bad = await call<{ error: string; error_description: string }>(b.base, 'POST', '/token', { body: { grant_type: 'password', username: 'alice', password: 'wrong' } });
    expect(bad.status).toBe(401);
    expect(bad.json.error_description).toMatch(/Wrong username or password \(checked by the upstream demo#im\)/);
    // The gateway's own client credentials still give an app token (checked in beforeAll).
    const gw = await call<{ data: Record<string, unknown> }>(b.base, 'GET', '/gateway', { token: aliceB });
    expect(gw.json.data).toEqual({ gateway: true, upstreamAppKey: APP_KEY, mirrorSettings: true });
  });

  it('does not serve registration or the IM WebSocket: 404 naming the upstream, the upgrade refused', async () => {
    const reg = await call<{ error: string; error_description: string }>(b.base, 'POST', '/users', { token: appB, body: { username: 'zed', password: 'zed-password' } });
    expect(reg.status).toBe(404);
    expect(reg.json.error_description).toMatch(/push gateway for demo#im/);
    const refused = await new Promise<number>((res) => {
      const ws = new WebSocket(`${b.base.replace('http', 'ws')}/ws`);
      ws.on('unexpected-response', (_req, resp) => res(resp.statusCode ?? 0));
      ws.on('open', () => res(101));
      ws.on('error', () => res(-1));
    });
    expect(refused).toBe(404);
  });

  it('a message from bob through A reaches alice\'s browser subscription bound at B', async () => {
    const sub = svc.createSubscription();
    const bind = await call(b.base, 'PUT', '/users/alice/push/binding', { token: aliceB, body: { device_id: 'chrome', device_token: JSON.stringify(sub), notifier_name: 'webpush' } });
    expect(bind.status).toBe(200);
    const id = await sendAsBob('hello through the gateway');
    const push = await waitPush('hello through the gateway');
    expect(push.payload).toMatchObject({ v: 1, m: id, t: 'alice', f: 'bob', title: 'bob', conversation: { id: 'bob', type: 'singleChat' }, badge: 1 });
    const sentAtA = await eventually(async () => {
      const r = await call<{ data: { sent: Record<string, number> } }>(a.base, 'GET', '/callbacks/status', { token: appA });
      return (r.json.data.sent.sent ?? 0) >= 2 ? r.json.data.sent : undefined;
    }, 10_000, 'A counting its callbacks sent');
    expect(sentAtA).toMatchObject({ url: `http://127.0.0.1:${specB.port}`, pending: 0 });
  }, 30_000);

  it('applies alice\'s rules at B: held in quiet time, a forced message goes through, a chat from alice resets her badge', async () => {
    expect((await call(b.base, 'PUT', '/users/alice/notification/user/alice', { token: aliceB, body: { ignoreDuration: 3_600_000 } })).status).toBe(200);
    const held = await sendAsBob('while alice is quiet');
    await eventually(async () => {
      const t = await call<{ data: { messageId: string; reason: string }[] }>(b.base, 'GET', '/users/alice/notification/trace?limit=5', { token: aliceB });
      return t.json.data.find((e) => e.messageId === held && e.reason === 'DND_APP_DURATION');
    }, 10_000, 'the held decision in B\'s trace');
    await sendAsBob('forced through', { em_force_notification: true });
    const forced = await waitPush('forced through');
    expect(forced.payload?.badge).toBe(3);
    expect(pushesOf('while alice is quiet')).toHaveLength(0);
    expect((await call(b.base, 'PUT', '/users/alice/notification/user/alice', { token: aliceB, body: { ignoreDuration: 0 } })).status).toBe(200);
    // alice writes upstream (a `chat` callback from her): she is active, her offline count resets.
    expect((await call(a.base, 'POST', '/messages/users', { token: aliceA, body: { to: ['bob'], type: 'txt', body: { msg: 'hi bob' } } })).status).toBe(200);
    await eventually(async () => {
      const r = await call<{ data: Record<string, number> }>(b.base, 'GET', '/users/alice/offline_msg_count', { token: aliceB });
      return r.json.data.alice === 0 ? true : undefined;
    }, 10_000, 'alice\'s offline count reset at B');
    await sendAsBob('after alice was active');
    expect((await waitPush('after alice was active')).payload?.badge).toBe(1);
  }, 40_000);

  it('a callback with a bad signature, a stale timestamp or another app key changes nothing; a repeated callId is answered 200 and not processed again', async () => {
    const before = svc.received.length;
    const statsBefore = await status();
    const bad = await call<{ error: string }>(b.base, 'POST', '/callbacks/easemob', { body: signed({ payload: { bodies: [{ type: 'txt', msg: 'forged' }] } }, 'not-the-secret') });
    expect([bad.status, bad.json.error]).toEqual([401, 'unauthorized']);
    const stale = await call<{ error_description: string }>(b.base, 'POST', '/callbacks/easemob', { body: signed({ timestamp: Date.now() - 16 * 60_000 }) });
    expect(stale.status).toBe(400);
    expect(stale.json.error_description).toMatch(/15 minutes old/);
    const ahead = await call(b.base, 'POST', '/callbacks/easemob', { body: signed({ timestamp: Date.now() + 2 * 60_000 }) });
    expect(ahead.status).toBe(400);
    const other = await call<{ error_description: string }>(b.base, 'POST', '/callbacks/easemob', { body: signed({ appkey: 'other#app', callId: `other#app_${randomUUID()}` }) });
    expect(other.status).toBe(400);
    expect(other.json.error_description).toMatch(/not the app this gateway serves \(demo#im\)/);
    expect(await status()).toEqual(statsBefore);

    const once = signed({ payload: { bodies: [{ type: 'txt', msg: 'sent twice by the upstream' }] } });
    const first = await call(b.base, 'POST', '/callbacks/easemob', { body: once });
    expect(first.status).toBe(200);
    const again = await call<Record<string, unknown>>(b.base, 'POST', '/callbacks/easemob', { body: once });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ duplicate: true });
    expect(JSON.stringify(again.json).length).toBeLessThan(1000);
    await waitPush('sent twice by the upstream');
    await new Promise((r) => setTimeout(r, 1000));
    expect(pushesOf('sent twice by the upstream')).toHaveLength(1);
    expect(svc.received.length).toBe(before + 1);
    expect(svc.received.some((p) => p.payload?.body === 'forged')).toBe(false);
  }, 30_000);

  it('B killed with SIGKILL right after answering 200 still delivers after its restart', async () => {
    await stopProc(b);
    // Decided 8 s after it is stored: time to kill B in between.
    b = await startProc(specB, { GATEWAY_DECIDE_DELAY_MS: '8000' });
    const r = await call(b.base, 'POST', '/callbacks/easemob', { body: signed({ payload: { bodies: [{ type: 'txt', msg: 'stored before the crash' }] } }) });
    expect(r.status).toBe(200);
    await stopProc(b, 'SIGKILL');
    b = await startProc(specB);
    expect(pushesOf('stored before the crash')).toHaveLength(0);
    await waitPush('stored before the crash', 20_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(pushesOf('stored before the crash')).toHaveLength(1);
  }, 120_000);

  it('A retries a callback B missed while it was down, and it is delivered once', async () => {
    await stopProc(b);
    await sendAsBob('sent while B was down');
    await new Promise((r) => setTimeout(r, 300));
    b = await startProc(specB);
    await waitPush('sent while B was down', RETRY_MS + 10_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(pushesOf('sent while B was down')).toHaveLength(1);
    const r = await call<{ data: { sent: Record<string, number> } }>(a.base, 'GET', '/callbacks/status', { token: appA });
    // Its chat and chat_offline callbacks, each sent once more after the retry delay.
    expect(r.json.data.sent['sent on retry']).toBe(2);
  }, 60_000);

  it('mirrors a quiet-hours change made at B to A; while A is down it waits and arrives when A is back', async () => {
    expect((await call(b.base, 'PUT', '/users/alice/notification/user/alice', { token: aliceB, body: { ignoreInterval: '22:0-7:0', timeZone: 'Europe/Paris' } })).status).toBe(200);
    const mirrored = await eventually(async () => {
      const r = await call<{ data: { ignoreInterval: string; timeZone: string } }>(a.base, 'GET', '/users/alice/notification/user/alice', { token: aliceA });
      return r.json.data.ignoreInterval === '22:0-7:0' ? r.json.data : undefined;
    }, 10_000, 'the window mirrored at A');
    // The upstream is another instance of this server, so the time zone goes too.
    expect(mirrored.timeZone).toBe('Europe/Paris');
    const st = await call<{ data: Record<string, unknown> }>(b.base, 'GET', '/users/alice/gateway/status', { token: aliceB });
    expect(st.json.data).toEqual({ upstream: APP_KEY, mirror: { enabled: true, pending: 0 } });

    const g = await call<{ data: { groupid: string } }>(a.base, 'POST', '/chatgroups', { token: appA, body: { groupname: 'g', owner: 'alice', members: ['bob'] } });
    const g1 = g.json.data.groupid;
    await stopProc(a);
    expect((await call(b.base, 'PUT', `/users/alice/notification/chatgroup/${g1}`, { token: aliceB, body: { type: 'NONE' } })).status).toBe(200);
    expect((await call(b.base, 'PUT', '/users/alice/notification/user/alice', { token: aliceB, body: { ignoreInterval: '8:0-9:30' } })).status).toBe(200);
    const waiting = await eventually(async () => {
      const r = await call<{ data: { mirror: { pending: number; lastError?: { error: string } } } }>(b.base, 'GET', '/users/alice/gateway/status', { token: aliceB });
      return r.json.data.mirror.lastError ? r.json.data.mirror : undefined;
    }, 10_000, 'the mirror error shown');
    expect(waiting.pending).toBe(2);
    expect(waiting.lastError!.error).toMatch(/the upstream did not answer/);
    a = await startProc(specA);
    await eventually(async () => {
      const r = await call<{ data: { mirror: { pending: number; lastError?: unknown } } }>(b.base, 'GET', '/users/alice/gateway/status', { token: aliceB });
      return r.json.data.mirror.pending === 0 && !r.json.data.mirror.lastError ? true : undefined;
    }, 30_000, 'the mirror queue drained');
    const app = await call<{ data: { ignoreInterval: string } }>(a.base, 'GET', '/users/alice/notification/user/alice', { token: aliceA });
    expect(app.json.data.ignoreInterval).toBe('8:0-9:30');
    const conv = await call<{ data: { type?: string } }>(a.base, 'GET', `/users/alice/notification/chatgroup/${g1}`, { token: aliceA });
    expect(conv.json.data.type).toBe('NONE');
  }, 90_000);
});
