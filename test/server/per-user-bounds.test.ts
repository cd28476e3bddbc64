/** SPEC 7 per-user bounds (#7): resources, conversation settings and bindings, each refusal naming its bound. */
import { afterEach, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/server/store/sqlite.ts';
import { call, connectIm, createGroup, register, send, signIn, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const db = () => (s!.server.ctx.store as SqliteStore).db;

it('keeps at most 32 resources per user: a new one drops the one idle longest, with its pending rows', async () => {
  let t = Date.now();
  s = await startTestServer({ now: () => t });
  await register(s, 'ann', 'bob');
  const ann = await signIn(s, 'ann');
  const bob = await signIn(s, 'bob');
  for (let i = 0; i < 32; i++) {
    t += 1000;
    await (await connectIm(s, ann, `r${i}`)).close();
  }
  // r1 comes back later: r0 is now the one idle longest.
  t += 1000;
  await (await connectIm(s, ann, 'r1')).close();
  await send(s, bob, 'users', ['ann'], 'while away');
  const pending = (r: string) => db().prepare("SELECT count(*) FROM device_inbox WHERE username = 'ann' AND resource = ?").pluck().get(r);
  expect(pending('r0')).toBe(1);
  t += 1000;
  const c = await connectIm(s, ann, 'r-new');
  const resources = (db().prepare("SELECT resource FROM devices WHERE username = 'ann'").pluck().all() as string[]).sort();
  expect(resources).toHaveLength(32);
  expect(resources).not.toContain('r0');
  expect(resources).toContain('r1');
  expect(resources).toContain('r-new');
  expect(pending('r0')).toBe(0);
  await c.close();
});

it('with every resource connected and last seen at the same instant, kicks the first of the others, never the one signing in', async () => {
  s = await startTestServer({ now: () => 1_800_000_000_000 });
  await register(s, 'ann');
  const ann = await signIn(s, 'ann');
  const open = [];
  for (let i = 0; i < 32; i++) open.push(await connectIm(s, ann, `r${i}`));
  // Sorts before every other resource, and its last_seen ties with theirs.
  const c = await connectIm(s, ann, 'a-new');
  await open[0]!.next((f) => f.op === 'kicked');
  const resources = db().prepare("SELECT resource FROM devices WHERE username = 'ann'").pluck().all() as string[];
  expect(resources).toHaveLength(32);
  expect(resources).toContain('a-new');
  expect(resources).not.toContain('r0');
  for (const o of [c, ...open]) await o.close();
});

it('refuses conversation settings past 1,000 per user, naming the bound; existing ones can still change', async () => {
  s = await startTestServer();
  await register(s, 'ann');
  const ann = await signIn(s, 'ann');
  const insert = db().prepare("INSERT INTO conv_settings (username, scope, conv_id, type, duration_until, updated) VALUES ('ann', 'user', ?, 'NONE', 0, 0)");
  db().transaction(() => {
    for (let i = 0; i < 1000; i++) insert.run(`peer${i}`);
  })();
  const r = await call(s.base, 'PUT', '/users/ann/notification/user/newpeer', { token: ann, body: { type: 'NONE' } });
  expect(r.status).toBe(400);
  expect(String(r.json.error_description)).toMatch(/at most 1000 conversations/);
  expect((await call(s.base, 'PUT', '/users/ann/notification/user/peer5', { token: ann, body: { type: 'AT' } })).status).toBe(200);
});

it('refuses settings for a group or room the user is not a member of', async () => {
  s = await startTestServer();
  await register(s, 'ann', 'bob');
  const ann = await signIn(s, 'ann');
  const theirs = await createGroup(s, 'bob', ['bob']);
  const room = await createGroup(s, 'bob', ['bob'], true);
  const mine = await createGroup(s, 'bob', ['bob', 'ann']);
  for (const id of [theirs, room, 'no-such-group']) {
    const r = await call(s.base, 'PUT', `/users/ann/notification/chatgroup/${id}`, { token: ann, body: { type: 'NONE' } });
    expect(r.status).toBe(403);
    expect(String(r.json.error_description)).toMatch(/not a member/);
  }
  expect((await call(s.base, 'PUT', `/users/ann/notification/chatgroup/${mine}`, { token: ann, body: { type: 'NONE' } })).status).toBe(200);
  expect(db().prepare("SELECT count(*) FROM conv_settings WHERE username = 'ann'").pluck().get()).toBe(1);
});

it('refuses a 33rd binding, naming the bound; replacing and unbinding still work', async () => {
  s = await startTestServer();
  await register(s, 'ann');
  const ann = await signIn(s, 'ann');
  const bind = (device: string, token = 'stream') =>
    call(s!.base, 'PUT', '/users/ann/push/binding', { token: ann, body: { device_id: device, device_token: token, notifier_name: 'stream' } });
  for (let i = 0; i < 32; i++) expect((await bind(`d${i}`)).status).toBe(200);
  const r = await bind('d32');
  expect(r.status).toBe(400);
  expect(String(r.json.error_description)).toMatch(/at most 32 per user/);
  expect((await bind('d5')).status).toBe(200);
  expect((await bind('d5', '')).status).toBe(200);
  expect((await bind('d32')).status).toBe(200);
});
