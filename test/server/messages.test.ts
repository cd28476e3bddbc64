import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connectIm, createGroup, eventually, register, send, signIn, startTestServer, WsClient, type TestServer } from './helpers.ts';

let s: TestServer;
let alice: string;
let bob: string;

beforeAll(async () => {
  s = await startTestServer({ heartbeatMs: 250 });
  await register(s, 'alice', 'bob', 'carol');
  alice = await signIn(s, 'alice');
  bob = await signIn(s, 'bob');
});
afterAll(() => s.close());

const offline = async (user: string, token: string) =>
  (await call<{ data: Record<string, number> }>(s.base, 'GET', `/users/${user}/offline_msg_count`, { token })).json.data[user];

describe('sending (SPEC 3.6)', () => {
  it('answers one message id per recipient; a user token sends only as itself', async () => {
    const data = await send(s, alice, 'users', ['bob', 'carol'], 'hi');
    expect(Object.keys(data).sort()).toEqual(['bob', 'carol']);
    expect(data.bob).not.toBe(data.carol);
    const spoof = await call(s.base, 'POST', '/messages/users', { token: alice, body: { from: 'bob', to: ['carol'], type: 'txt', body: { msg: 'x' } } });
    expect(spoof.status).toBe(403);
    const admin = await call<{ data: Record<string, string> }>(s.base, 'POST', '/messages/users', { token: s.appToken, body: { from: 'carol', to: ['bob'], type: 'txt', body: { msg: 'x' } } });
    expect(admin.status).toBe(200);
  });

  it.each([
    ['to', { to: [], type: 'txt', body: { msg: 'x' } }],
    ['600', { to: Array.from({ length: 601 }, (_, i) => `u${i}`), type: 'txt', body: { msg: 'x' } }],
    ['type', { to: ['bob'], type: 'gif', body: { msg: 'x' } }],
    ['body.msg', { to: ['bob'], type: 'txt', body: {} }],
    ['5 KB', { to: ['bob'], type: 'txt', body: { msg: 'x'.repeat(6000) } }],
    ['ghost', { to: ['ghost'], type: 'txt', body: { msg: 'x' } }],
    ['translations', { to: ['bob'], type: 'txt', body: { msg: 'x' }, translations: [{ language: 'xx-nope', text: 'y' }] }],
  ])('refuses a bad send naming %s, and stores nothing', async (field, body) => {
    const before = await offline('bob', bob);
    const r = await call(s.base, 'POST', '/messages/users', { token: alice, body });
    expect(r.status).toBe(400);
    expect(String(r.json.error_description)).toContain(field);
    expect(await offline('bob', bob)).toBe(before);
  });

  it('limits groups per call and requires membership for a user token', async () => {
    const g = await createGroup(s, 'carol', ['bob']);
    const r = await call(s.base, 'POST', '/messages/chatgroups', { token: alice, body: { to: [g], type: 'txt', body: { msg: 'x' } } });
    expect(r.status).toBe(403);
    const four = await call(s.base, 'POST', '/messages/chatgroups', { token: alice, body: { to: ['1', '2', '3', '4'], type: 'txt', body: { msg: 'x' } } });
    expect(four.status).toBe(400);
    const target = await call(s.base, 'POST', '/messages/planets', { token: alice, body: {} });
    expect(target.status).toBe(404);
  });
});

describe('the IM connection (SPEC 3.7)', () => {
  it('delivers the offline backlog oldest first, then live messages; unacked ones come again', async () => {
    await register(s, 'dora');
    const dora = await signIn(s, 'dora');
    const ids = [];
    for (const t of ['one', 'two', 'three']) ids.push((await send(s, alice, 'users', ['dora'], t)).dora);
    expect(await offline('dora', dora)).toBe(3);
    const c = await connectIm(s, dora, 'phone');
    const got = [await c.next((f) => f.op === 'msg'), await c.next((f) => f.op === 'msg'), await c.next((f) => f.op === 'msg')];
    expect(got.map((f) => (f.msg as { id: string }).id)).toEqual(ids);
    expect(got[0]!.msg).toMatchObject({ from: 'alice', to: 'dora', conversation: { id: 'alice', type: 'singleChat' }, type: 'txt', body: { msg: 'one' } });
    expect(await offline('dora', dora)).toBe(0);
    c.send({ op: 'ack', id: ids[0] });
    c.send({ op: 'ack', id: ids[1] });
    const live = (await send(s, alice, 'users', ['dora'], 'live')).dora;
    expect(((await c.next((f) => f.op === 'msg')).msg as { id: string }).id).toBe(live);
    c.send({ op: 'ping' });
    await c.next((f) => f.op === 'pong');
    await c.close();
    const again = await connectIm(s, dora, 'phone');
    const redelivered = [await again.next((f) => f.op === 'msg'), await again.next((f) => f.op === 'msg')];
    expect(redelivered.map((f) => (f.msg as { id: string }).id)).toEqual([ids[2], live]);
    // A new device receives only what no device acknowledged.
    const tablet = await connectIm(s, dora, 'tablet');
    const t1 = await tablet.next((f) => f.op === 'msg');
    expect((t1.msg as { id: string }).id).toBe(ids[2]);
    await Promise.all([again.close(), tablet.close()]);
  });

  it('group messages reach every member but the sender', async () => {
    const g = await createGroup(s, 'alice', ['bob', 'carol']);
    const b = await connectIm(s, bob, 'web');
    const a = await connectIm(s, alice, 'web');
    const id = (await send(s, alice, 'chatgroups', [g], 'hello group'))[g];
    const m = await b.next((f) => f.op === 'msg' && (f.msg as { id: string }).id === id);
    expect(m.msg).toMatchObject({ id, from: 'alice', to: g, conversation: { id: g, type: 'groupChat' } });
    const reply = (await send(s, bob, 'chatgroups', [g], 'reply'))[g];
    const fromBob = await a.next((f) => f.op === 'msg' && (f.msg as { id: string }).id === reply);
    expect(fromBob.msg).toMatchObject({ from: 'bob' });
    expect(a.frames.filter((f) => f.op === 'msg' && (f.msg as { from: string }).from === 'alice')).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('a group\'s backlog is per device: acks in any order are not sent again; a member who left still gets what came while they were in', async () => {
    await register(s, 'erin');
    const erin = await signIn(s, 'erin');
    const g = await createGroup(s, 'alice', ['erin', 'bob']);
    const sent: string[] = [];
    for (const t of ['g1', 'g2', 'g3']) sent.push((await send(s, alice, 'chatgroups', [g], t))[g]!);
    const idOf = (f: Record<string, unknown>) => (f.msg as { id: string }).id;
    const backlog = async (c: WsClient, n: number) => {
      const got: string[] = [];
      for (let i = 0; i < n; i++) got.push(idOf(await c.next((f) => f.op === 'msg')));
      return got;
    };
    const phone = await connectIm(s, erin, 'phone');
    expect(await backlog(phone, 3)).toEqual(sent);
    phone.send({ op: 'ack', id: sent[2] });
    phone.send({ op: 'ack', id: sent[0] });
    phone.send({ op: 'ping' });
    await phone.next((f) => f.op === 'pong');
    await phone.close();
    const again = await connectIm(s, erin, 'phone');
    expect(await backlog(again, 1)).toEqual([sent[1]]);
    again.send({ op: 'ack', id: sent[1] });
    const g4 = (await send(s, alice, 'chatgroups', [g], 'g4'))[g]!;
    expect(idOf(await again.next((f) => f.op === 'msg'))).toBe(g4);
    await again.close();
    // Erin leaves with g4 unacknowledged; g5 comes after.
    expect((await call(s.base, 'DELETE', `/chatgroups/${g}/users/erin`, { token: s.appToken })).status).toBe(200);
    await send(s, alice, 'chatgroups', [g], 'g5');
    const last = await connectIm(s, erin, 'phone');
    last.send({ op: 'ping' });
    await last.next((f) => f.op === 'pong');
    expect(last.frames.filter((f) => f.op === 'msg').map(idOf)).toEqual([g4]);
    await last.close();
  });

  it('kicks the older connection on a same-resource login, and on an admin kick', async () => {
    const first = await connectIm(s, bob, 'desk');
    const second = await connectIm(s, bob, 'desk');
    expect(await first.next((f) => f.op === 'kicked')).toMatchObject({ op: 'kicked' });
    await first.closed;
    const r = await call<{ data: { result: boolean } }>(s.base, 'DELETE', '/users/bob/disconnect/desk', { token: s.appToken });
    expect(r.json.data.result).toBe(true);
    expect(await second.next((f) => f.op === 'kicked')).toMatchObject({ reason: expect.stringContaining('administrator') });
    await second.closed;
    const userKick = await call(s.base, 'DELETE', '/users/bob/disconnect/desk', { token: bob });
    expect(userKick.status).toBe(403);
  });

  it('answers bad frames with an error naming the problem and keeps the connection', async () => {
    const c = await WsClient.open(`${s.base.replace('http', 'ws')}/ws`);
    c.send('not json');
    expect(await c.next((f) => f.op === 'error')).toMatchObject({ error: 'illegal_argument', error_description: expect.stringContaining('JSON') });
    c.send({ op: 'fly' });
    expect((await c.next((f) => f.op === 'error')).error_description).toContain('op');
    c.send({ op: 'ack', id: 'x' });
    expect((await c.next((f) => f.op === 'error')).error).toBe('unauthorized');
    c.send({ op: 'auth', token: alice, resource: '' });
    expect((await c.next((f) => f.op === 'error')).error_description).toContain('resource');
    c.send({ op: 'auth', token: alice, resource: 'ok' });
    await c.next((f) => f.op === 'ready');
    c.send({ op: 'ack', id: 'no-such-id' });
    expect((await c.next((f) => f.op === 'error')).error_description).toContain('no such message');
    await c.close();
    const bad = await WsClient.open(`${s.base.replace('http', 'ws')}/ws`);
    bad.send({ op: 'auth', token: 'wrong', resource: 'x' });
    expect((await bad.next((f) => f.op === 'error')).error).toBe('auth_bad_access_token');
    await bad.closed;
  });

  it('answers a plain HTTP request to a WebSocket endpoint with a 400 saying how to connect', async () => {
    for (const path of ['/ws', '/push/stream']) {
      const r = await call(s.base, 'GET', path);
      expect(r.status).toBe(400);
      expect(r.json.error_description).toContain('WebSocket');
    }
  });

  it('closes a connection that stops answering pings (two missed), making the device offline', async () => {
    const c = await connectIm(s, alice, 'sleepy');
    expect((await s.server.ctx.router.online('im', ['alice'])).get('alice')?.has('sleepy')).toBe(true);
    // Stop answering pings: ws auto-pongs, so pause the socket's reading.
    (c.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    await eventually(async () => ((await s.server.ctx.router.online('im', ['alice'])).get('alice')?.has('sleepy') ? undefined : true), 3000, 'the server to drop the silent socket');
    c.socket.terminate();
  });
});
