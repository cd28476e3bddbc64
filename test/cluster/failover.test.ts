/**
 * SPEC 8 with real processes: two nodes on one PostgreSQL schema and one Redis prefix.
 * - Across nodes: settings, presence, kicks and stream pushes hold whichever node serves them.
 * - SIGKILL one node during a burst of 1,000 messages with Web Push in flight: the survivor
 *   delivers every acknowledged message's push at least once (the fake push service counts),
 *   every IM message reaches its device when it reconnects, the dead node's devices count as
 *   offline within the presence TTL, and offline counts match what was stored.
 * - Restart the whole cluster: nothing stored is lost.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import { call, eventually, WsClient } from '../server/helpers.ts';
import { dropIsolation, isolation } from '../support/services.ts';
import { CREDENTIALS, killAll, type Node, startNode, stopNode } from './nodes.ts';

const iso = isolation();
let svc: FakePushService;
let caDir: string;
let env: Record<string, string>;
let a: Node;
let b: Node;
let appToken: string;
const tokens: Record<string, string> = {};
const USERS = Array.from({ length: 20 }, (_, i) => `r${i}`);
const endpoints: Record<string, string> = {};

async function tokenOf(base: string, user: string): Promise<string> {
  const r = await call<{ access_token: string }>(base, 'POST', '/token', { body: { grant_type: 'password', username: user, password: `${user}-pw` } });
  if (r.status !== 200) throw new Error(`sign in ${user}: ${JSON.stringify(r.json)}`);
  return r.json.access_token;
}

async function im(node: Node, user: string, resource: string): Promise<WsClient> {
  const c = await WsClient.open(`${node.base.replace('http', 'ws')}/ws`);
  c.send({ op: 'auth', token: tokens[user], resource });
  await c.next((f) => f.op === 'ready');
  return c;
}

beforeAll(async () => {
  svc = await startPushService();
  caDir = mkdtempSync(join(tmpdir(), 'impc-cluster-ca-'));
  writeFileSync(join(caDir, 'ca.pem'), svc.ca);
  env = { NODE_EXTRA_CA_CERTS: join(caDir, 'ca.pem'), DELIVERY_LEASE_MS: '3000', PRESENCE_TTL_MS: '3000' };
  // One after the other: the first runs the migrations, the second finds them done (both take the advisory lock).
  a = await startNode('node-a', iso, env);
  b = await startNode('node-b', iso, env);
  const t = await call<{ access_token: string }>(a.base, 'POST', '/token', { body: { grant_type: 'client_credentials', client_id: CREDENTIALS.CLIENT_ID, client_secret: CREDENTIALS.CLIENT_SECRET } });
  appToken = t.json.access_token;
  const vapid = await call<{ data: { type: string; vapidPublicKey?: string }[] }>(b.base, 'GET', '/push/certificates', { token: appToken });
  svc.expectVapidKey(vapid.json.data.find((c) => c.type === 'webpush')!.vapidPublicKey!);
  for (const u of ['sender', ...USERS]) {
    const r = await call(u === 'sender' ? a.base : b.base, 'POST', '/users', { token: appToken, body: { username: u, password: `${u}-pw` } });
    expect(r.status).toBe(200);
    tokens[u] = await tokenOf(a.base, u);
  }
  for (const [i, u] of USERS.entries()) {
    const sub = svc.createSubscription();
    endpoints[u] = sub.endpoint;
    // Bound through alternating nodes; the device's resource is "phone" (SPEC 3.5).
    const r = await call(i % 2 ? a.base : b.base, 'PUT', `/users/${u}/push/binding`, { token: tokens[u], body: { device_id: 'phone', device_token: JSON.stringify(sub), notifier_name: 'webpush' } });
    expect(r.status).toBe(200);
  }
}, 180_000);

afterAll(async () => {
  killAll();
  await svc?.stop();
  if (caDir) rmSync(caDir, { recursive: true, force: true });
  await dropIsolation(iso.schema, iso.prefix);
});

describe('two nodes', () => {
  it('settings written on one node are in force for a push decided on the other, and presence is cluster-wide', async () => {
    // r1 mutes everything through A; a message sent through B is held for that reason.
    expect((await call(a.base, 'PUT', '/users/r1/notification/user/r1', { token: tokens.r1, body: { type: 'NONE' } })).status).toBe(200);
    const held = await call<{ data: Record<string, string> }>(b.base, 'POST', '/messages/users', { token: tokens.sender, body: { to: ['r1'], type: 'txt', body: { msg: 'muted' } } });
    const trace = await call<{ data: { messageId: string; reason: string }[] }>(a.base, 'GET', '/users/r1/notification/trace?limit=5', { token: tokens.r1 });
    expect(trace.json.data.find((t) => t.messageId === held.json.data.r1)?.reason).toBe('REMIND_NONE');
    expect((await call(b.base, 'PUT', '/users/r1/notification/user/r1', { token: tokens.r1, body: { type: 'ALL' } })).status).toBe(200);

    // r2 online on A (allOffline): a message decided on B is not pushed, and reaches the socket on A.
    const ws = await im(a, 'r2', 'laptop');
    const sent = await call<{ data: Record<string, string> }>(b.base, 'POST', '/messages/users', { token: tokens.sender, body: { to: ['r2'], type: 'txt', body: { msg: 'hello' } } });
    const live = await ws.next((f) => f.op === 'msg');
    expect((live.msg as { id: string }).id).toBe(sent.json.data.r2);
    const t2 = await call<{ data: { messageId: string; reason: string }[] }>(b.base, 'GET', '/users/r2/notification/trace?limit=5', { token: tokens.r2 });
    expect(t2.json.data.find((t) => t.messageId === sent.json.data.r2)?.reason).toBe('ONLINE');

    // A kick through B closes the socket held by A.
    const kicked = await call<{ data: { result: boolean } }>(b.base, 'DELETE', '/users/r2/disconnect/laptop', { token: appToken });
    expect(kicked.json.data.result).toBe(true);
    expect((await ws.next((f) => f.op === 'kicked')).op).toBe('kicked');
    await ws.closed;

    // A second login with the same resource on the other node replaces the first.
    const first = await im(a, 'r3', 'tab');
    const second = await im(b, 'r3', 'tab');
    await first.next((f) => f.op === 'kicked');
    await first.closed;
    const toSecond = await call<{ data: Record<string, string> }>(a.base, 'POST', '/messages/users', { token: tokens.sender, body: { to: ['r3'], type: 'txt', body: { msg: 'still here?' } } });
    expect(((await second.next((f) => f.op === 'msg')).msg as { id: string }).id).toBe(toSecond.json.data.r3);
    await second.close();

    // A stream held on B gets a push decided on A.
    const bound = await call(a.base, 'PUT', '/users/r4/push/binding', { token: tokens.r4, body: { device_id: 'ext', device_token: 'stream', notifier_name: 'stream' } });
    expect(bound.status).toBe(200);
    const stream = await WsClient.open(`${b.base.replace('http', 'ws')}/push/stream`);
    stream.send({ op: 'auth', token: tokens.r4, device_id: 'ext' });
    await stream.next((f) => f.op === 'ready');
    const viaA = await call<{ data: Record<string, string> }>(a.base, 'POST', '/messages/users', { token: tokens.sender, body: { to: ['r4'], type: 'txt', body: { msg: 'to your stream' } } });
    const push = await stream.next((f) => f.op === 'push' && (f.push as { m: string }).m === viaA.json.data.r4);
    expect((push.push as { body: string }).body).toBe('to your stream');
    await stream.close();
    // Leave r4 with only its Web Push binding for the burst below.
    await call(a.base, 'PUT', '/users/r4/push/binding', { token: tokens.r4, body: { device_id: 'ext', device_token: '', notifier_name: 'stream' } });
  });
});

describe('a node killed with SIGKILL', () => {
  it('loses no push, no message and no count; its devices go offline within the presence TTL', async () => {
    // r0 is online on A (so its messages are held ONLINE until A dies).
    const r0 = await im(a, 'r0', 'laptop');
    r0.socket.on('error', () => {});
    // Every recipient's "phone" has been seen, so it collects a pending row per message.
    for (const u of USERS.slice(5)) await (await im(b, u, 'phone')).close();
    const acked = new Map<string, string[]>(USERS.map((u) => [u, []]));
    let killed = false;
    // 50 calls × 20 recipients = 1,000 messages, through both nodes, four senders at a time.
    const sender = async (k: number) => {
      for (let i = k; i < 50; i += 4) {
        const node = i % 2 ? a : b;
        if (killed && node === a) continue;
        try {
          const r = await call<{ data: Record<string, string> }>(node.base, 'POST', '/messages/users', { token: tokens.sender, body: { to: USERS.slice(5), type: 'txt', body: { msg: `burst ${i}` } } });
          if (r.status === 200) for (const [u, id] of Object.entries(r.json.data)) acked.get(u)!.push(id);
        } catch {
          // connection reset by the kill
        }
      }
    };
    const burst = Promise.all([0, 1, 2, 3].map(sender));
    await eventually(() => (svc.received.length >= 60 ? true : undefined), 60_000, 'pushes in flight');
    const exited = new Promise((r) => a.child.once('exit', r));
    a.child.kill('SIGKILL');
    killed = true;
    await exited;
    await burst;
    const total = [...acked.values()].reduce((n, l) => n + l.length, 0);
    expect(total).toBeGreaterThanOrEqual(300);

    // Every acknowledged message reaches its recipient's push endpoint at least once (the survivor
    // takes the dead node's claims when their lease ends).
    const missing = () => {
      const got = new Set(svc.received.map((p) => `${p.endpoint} ${String(p.payload?.m)}`));
      return USERS.slice(5).flatMap((u) => acked.get(u)!.filter((id) => !got.has(`${endpoints[u]} ${id}`)));
    };
    await eventually(() => (missing().length === 0 ? true : undefined), 90_000, 'every acknowledged push');

    // r0's device on the dead node counts as offline within the TTL: a push gets through again.
    await eventually(async () => {
      const r = await call<{ data: Record<string, string> }>(b.base, 'POST', '/messages/users', { token: tokens.sender, body: { to: ['r0'], type: 'txt', body: { msg: 'are you there' } } });
      const id = r.json.data.r0;
      try {
        await svc.waitFor((p) => p.endpoint === endpoints.r0 && p.payload?.m === id, 1500);
        return true;
      } catch {
        return undefined;
      }
    }, 60_000, "r0's device to count as offline");

    // Offline counts match the messages stored, and every message reaches its device on the survivor.
    for (const u of USERS.slice(5, 9)) {
      const count = await call<{ data: Record<string, number> }>(b.base, 'GET', `/users/${u}/offline_msg_count`, { token: tokens[u] });
      const ws = await im(b, u, 'phone');
      const got = new Set<string>();
      for (;;) {
        const f = await ws.next((x) => x.op === 'msg', 3000).catch(() => undefined);
        if (!f) break;
        got.add((f.msg as { id: string }).id);
        ws.send({ op: 'ack', id: (f.msg as { id: string }).id });
      }
      expect(acked.get(u)!.filter((id) => !got.has(id))).toEqual([]);
      // Stored = delivered on reconnect (a message in flight at the kill may be stored without an answer).
      expect(count.json.data[u]).toBe(got.size);
      await ws.close();
    }
  }, 240_000);
});

describe('the whole cluster restarted', () => {
  it('keeps settings, bindings, traces and pending messages', async () => {
    const before = await call<{ data: unknown }>(b.base, 'GET', '/users/r6/push/binding', { token: tokens.r6 });
    await call(b.base, 'PUT', '/users/r7/notification/user/r7', { token: tokens.r7, body: { ignoreInterval: '22:0-7:0', timeZone: 'Europe/Paris' } });
    const pending = await call<{ data: Record<string, string> }>(b.base, 'POST', '/messages/users', { token: tokens.sender, body: { to: ['r8'], type: 'txt', body: { msg: 'kept' } } });
    expect(await stopNode(b)).toBe(0);
    a = await startNode('node-a2', iso, env);
    b = await startNode('node-b2', iso, env);
    expect((await call(a.base, 'GET', '/users/r6/push/binding', { token: tokens.r6 })).json.data).toEqual(before.json.data);
    const r7 = await call<{ data: { ignoreInterval: string; timeZone: string } }>(b.base, 'GET', '/users/r7/notification/user/r7', { token: tokens.r7 });
    expect(r7.json.data).toMatchObject({ ignoreInterval: '22:0-7:0', timeZone: 'Europe/Paris' });
    const ws = await im(a, 'r8', 'phone');
    await ws.next((f) => f.op === 'msg' && (f.msg as { id: string }).id === pending.json.data.r8, 5000);
    await ws.close();
    const trace = await call<{ data: { messageId: string }[] }>(b.base, 'GET', '/users/r8/notification/trace?limit=3', { token: tokens.r8 });
    expect(trace.json.data[0]?.messageId).toBe(pending.json.data.r8);
    expect(await stopNode(a)).toBe(0);
    expect(await stopNode(b)).toBe(0);
  }, 180_000);
});
