/**
 * SPEC 7 "bad input changes nothing", as a generated corpus (fast-check, fixed seed): over 2,000
 * malformed REST requests and WebSocket frames across every endpoint — random bodies, wrong
 * types, huge strings, deep nesting, bad JSON, wrong methods, bad path segments. Each gets a 4xx
 * envelope or an error frame (never a 5xx), and a dump of every table is the same afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { createGroup, register, signIn, startTestServer, type TestServer, WsClient } from './helpers.ts';

let s: TestServer;
let ann: string;
let group: string;
const sockets: WsClient[] = [];
beforeAll(async () => {
  s = await startTestServer({ rateLimit: 0 });
  await register(s, 'ann', 'bob');
  ann = await signIn(s, 'ann');
  group = await createGroup(s, 'ann', ['ann', 'bob']);
});
afterAll(async () => {
  for (const c of sockets) await c.close();
  await s.close();
});

/** Every row of every table, sorted: what "nothing changed" is checked against. */
function dump(): Record<string, string[]> {
  const db = (s.server.ctx.store as unknown as { db: Database.Database }).db;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  return Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT * FROM "${t}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort()]));
}

// ---- generators ---------------------------------------------------------------------------------

const KEYS = [
  'type', 'ignoreDuration', 'ignoreInterval', 'timeZone', 'translationLanguage', 'device_id', 'device_token', 'notifier_name',
  'username', 'password', 'nickname', 'grant_type', 'client_id', 'client_secret', 'ttl', 'to', 'from', 'body', 'ext', 'groupname',
  'owner', 'members', 'name', 'policy', 'advanced', 'conversation', 'text', 'mentioned', 'at', 'op', 'token', 'resource', 'id', 'm',
];
const huge = fc.constantFrom('x'.repeat(70_000), 'é'.repeat(40_000), '\u{1F600}'.repeat(20_000));
/** A value of the wrong type for any of KEYS (never null: null clears some settings). */
const wrong = fc.oneof(
  fc.integer({ min: -(2 ** 40), max: -1 }),
  fc.double({ noNaN: false }).filter((d) => !Number.isInteger(d)),
  fc.boolean(),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 2 }), { maxKeys: 3 }),
  huge,
);
const deepArrays = fc.integer({ min: 65, max: 5000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
const deepObjects = fc.integer({ min: 65, max: 3000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n));
const badJson = fc.constantFrom('{', '{"a":}', "{'a':1}", 'nul', '[1,]', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '"', '{"a":1}}', 'NaN', '1e999999');
/** A body as raw text: never a valid request. */
const rawBody = fc.oneof(
  badJson,
  deepArrays,
  deepObjects,
  fc.string({ maxLength: 200 }),
  fc.dictionary(fc.constantFrom(...KEYS), wrong, { minKeys: 1, maxKeys: 4 }).map((o) => JSON.stringify(o)),
  fc.anything({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'undefined'),
);
/** A path segment that names nothing or is not allowed. */
const badSegment = fc.oneof(
  fc.constantFrom('nobody', 'no-such-group', '%ZZ', '%00', '..', 'a%2Fb', 'x'.repeat(300), '\u00e9t\u00e9', 'a b', '%F0%9F%98%80', '-', '.'),
  fc.string({ minLength: 1, maxLength: 20 }).map((x) => encodeURIComponent(x)).filter((x) => !['ann', 'bob'].includes(x.toLowerCase())),
);

type Req = { method: string; path: string; body?: string; contentType?: string; token: 'ann' | 'app' | 'none' | 'bad' };

/** Endpoints with a body, on valid paths (the body is what is malformed). */
const WITH_BODY: [string, string][] = [
  ['POST', '/token'], ['POST', '/users'], ['POST', '/chatgroups'], ['POST', '/chatrooms'],
  ['PUT', '/users/ann/notification/user/ann'], ['PUT', '/users/ann/notification/user/bob'], ['PUT', '/users/ann/notification/chatgroup/GROUP'],
  ['PUT', '/users/ann/notification/language'], ['PUT', '/users/ann'], ['PUT', '/users/ann/push/binding'],
  ['POST', '/messages/users'], ['POST', '/messages/chatgroups'], ['POST', '/messages/chatrooms'],
  ['POST', '/users/ann/notification/check'], ['PUT', '/push/policy'], ['PUT', '/push/features'],
];
/** Every endpoint, with {x} segments to fill with bad values. */
const PATHS: [string, string][] = [
  ['DELETE', '/chatgroups/{x}/users/{x}'], ['DELETE', '/chatrooms/{x}/users/{x}'], ['DELETE', '/users/{x}/disconnect/{x}'],
  ['POST', '/chatgroups/{x}/users/{x}'], ['POST', '/chatrooms/{x}/users/{x}'], ['POST', '/messages/{x}'],
  ['GET', '/users/{x}/notification'], ['GET', '/users/{x}/notification/{x}/{x}'], ['GET', '/users/ann/notification/{x}/{x}'],
  ['GET', '/users/{x}/notification/language'], ['GET', '/users/ann/notification/mute/type?limit={x}&cursor={x}'],
  ['GET', '/users/ann/notification?user={x}&group={x}'], ['GET', '/users/ann/notification/trace?limit={x}'], ['GET', '/users/{x}'],
  ['GET', '/users/{x}/joined_chatgroups'], ['GET', '/users/{x}/offline_msg_count'], ['GET', '/users/{x}/push/binding'],
  ['PUT', '/users/{x}/notification/{x}/{x}'], ['PUT', '/users/{x}/notification/language'], ['PUT', '/users/{x}'], ['PUT', '/users/{x}/push/binding'],
  ['POST', '/users/{x}/notification/check'], ['POST', '/users/{x}/push/test'], ['GET', '/ws'], ['GET', '/push/stream'], ['GET', '/{x}'],
];
const WRONG_METHODS = ['PATCH', 'DELETE', 'PUT', 'POST', 'GET'];

const token = fc.constantFrom<Req['token']>('ann', 'app', 'none', 'bad');
const contentType = fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data; boundary=x');

const withBody = fc.record({ ep: fc.constantFrom(...WITH_BODY), body: rawBody, token, contentType }).map(
  ({ ep, body, token, contentType }): Req => ({ method: ep[0], path: ep[1], body, token, ...(contentType ? { contentType } : {}) }),
);
const badPaths = fc.record({ ep: fc.constantFrom(...PATHS), segs: fc.array(badSegment, { minLength: 3, maxLength: 3 }), body: fc.option(rawBody), token }).map(
  ({ ep, segs, body, token }): Req => {
    let i = 0;
    return { method: ep[0], path: ep[1].replace(/\{x\}/g, () => segs[i++ % 3]!), ...(body !== null ? { body } : {}), token };
  },
);
const wrongMethods = fc.record({ ep: fc.constantFrom(...WITH_BODY), method: fc.constantFrom(...WRONG_METHODS), body: fc.option(rawBody), token })
  .filter(({ ep, method }) => method !== ep[0] && !(method === 'GET' && /notification\/(user|chatgroup|language)|push\/(policy|features|binding)|^\/users\/ann$/.test(ep[1])))
  .map(({ ep, method, body, token }): Req => ({ method, path: ep[1], ...(body !== null && method !== 'GET' ? { body } : {}), token }));

/** Read-only endpoints that may answer 200 to what they get (nothing they do is stored). */
const READ_ONLY = /^\/users\/ann\/(notification\/check|push\/test)$/;

it('answers 2,000+ malformed requests and frames with 4xx envelopes and error frames, and changes nothing', async () => {
  const t0 = Date.now();
  // Sockets are signed in before the first dump (signing in records the device).
  const ws = `${s.base.replace('http', 'ws')}`;
  for (const r of ['r1', 'r2', 'r3']) {
    const c = await WsClient.open(`${ws}/ws`);
    c.send({ op: 'auth', token: ann, resource: r });
    await c.next((f) => f.op === 'ready');
    sockets.push(c);
  }
  const stream = await WsClient.open(`${ws}/push/stream`);
  stream.send({ op: 'auth', token: ann, device_id: 'ext-1' });
  await stream.next((f) => f.op === 'ready');
  sockets.push(stream);
  const before = dump();

  const reqs = fc.sample(fc.oneof(withBody, badPaths, wrongMethods), { numRuns: 1600, seed: 20261130 });
  const bad: string[] = [];
  const statuses = new Map<number, number>();
  for (const r of reqs) {
    const path = r.path.replace('GROUP', group);
    const headers: Record<string, string> = {};
    if (r.token === 'ann') headers.Authorization = `Bearer ${ann}`;
    if (r.token === 'app') headers.Authorization = `Bearer ${s.appToken}`;
    if (r.token === 'bad') headers.Authorization = 'Bearer YWMtnot-a-token';
    if (r.body !== undefined) headers['Content-Type'] = r.contentType ?? 'application/json';
    const res = await fetch(`${s.base}${path}`, { method: r.method, headers, ...(r.body !== undefined && r.method !== 'GET' ? { body: r.body } : {}) });
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const what = `${r.method} ${path.slice(0, 80)} [${r.token}] ${String(r.body).slice(0, 80)} → ${res.status} ${text.slice(0, 160)}`;
    if (res.status >= 500) bad.push(what);
    else if (res.status >= 200 && res.status < 300 && r.method !== 'GET' && !READ_ONLY.test(path)) bad.push(`accepted: ${what}`);
    else if (res.status >= 400) {
      let body: { error?: unknown; error_description?: unknown } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        /* reported below */
      }
      if (typeof body.error !== 'string' || typeof body.error_description !== 'string') bad.push(`not an envelope: ${what}`);
    }
  }

  // Frames: on signed-in sockets (one error frame each), in batches under the pending-frame cap.
  const frames = fc.sample(
    fc.oneof(
      badJson,
      deepArrays.filter((x) => x.length < 60_000),
      fc.string({ maxLength: 100 }),
      fc.dictionary(fc.constantFrom(...KEYS), wrong.filter((v) => Buffer.byteLength(JSON.stringify(v)) < 60_000), { minKeys: 1, maxKeys: 4 }).map((o) => JSON.stringify(o)),
      fc.record({ op: fc.constantFrom('auth', 'ack', 'msg', 'pong', 'PING', ''), id: wrong.filter((v) => typeof v !== 'string'), m: wrong.filter((v) => typeof v !== 'string') }, { requiredKeys: ['op'] }).map((o) => JSON.stringify(o)),
      fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? '1'),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
    ),
    { numRuns: 800, seed: 20261130 },
  );
  let errorFrames = 0;
  for (let i = 0; i < frames.length; i += 100) {
    const c = sockets[(i / 100) % sockets.length]!;
    const batch = frames.slice(i, i + 100);
    for (const f of batch) c.socket.send(f);
    for (let k = 0; k < batch.length; k++) {
      const f = await c.next(() => true, 10_000);
      if (f.op === 'error' && typeof f.error === 'string' && typeof f.error_description === 'string' && f.error !== 'internal_error') errorFrames++;
      else bad.push(`frame ${String(batch[k]).slice(0, 80)} → ${JSON.stringify(f).slice(0, 160)}`);
    }
  }
  for (const c of sockets) expect(c.socket.readyState).toBe(c.socket.OPEN);

  const after = dump();
  console.log(`${reqs.length} requests (${[...statuses].sort().map(([k, v]) => `${k}×${v}`).join(', ')}), ${frames.length} frames (${errorFrames} error frames) in ${Date.now() - t0} ms`);
  expect(bad.slice(0, 20)).toEqual([]);
  expect(reqs.length + frames.length).toBeGreaterThanOrEqual(2000);
  expect(after).toEqual(before);
}, 90_000);
