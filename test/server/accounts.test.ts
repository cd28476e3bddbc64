import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createGroup, register, signIn, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await register(s, 'alice', 'bob', 'carol');
});
afterAll(() => s.close());

describe('tokens (SPEC 3.1)', () => {
  it('gives a user token with the user entity; usernames are case-insensitive', async () => {
    const r = await call<{ access_token: string; expires_in: number; user: { username: string; type: string; uuid: string } }>(s.base, 'POST', '/token', {
      body: { grant_type: 'password', username: 'ALICE', password: 'alice' },
    });
    expect(r.status).toBe(200);
    expect(r.json.expires_in).toBe(7 * 86400);
    expect(r.json.user).toMatchObject({ username: 'alice', type: 'user' });
    expect(r.json.user.uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('honours ttl', async () => {
    const r = await call<{ expires_in: number }>(s.base, 'POST', '/token', { body: { grant_type: 'password', username: 'bob', password: 'bob', ttl: 120 } });
    expect(r.json.expires_in).toBe(120);
  });

  it('refuses a wrong password and wrong client credentials', async () => {
    const a = await call(s.base, 'POST', '/token', { body: { grant_type: 'password', username: 'alice', password: 'nope' } });
    expect(a.status).toBe(401);
    expect(a.json.error).toBe('auth_bad_access_token');
    const b = await call(s.base, 'POST', '/token', { body: { grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' } });
    expect(b.status).toBe(401);
  });

  it('names the bad field of a token request', async () => {
    const r = await call(s.base, 'POST', '/token', { body: { grant_type: 'password', username: 'a b', password: 'x' } });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'illegal_argument' });
    expect(r.json.error_description).toContain('username');
    const g = await call(s.base, 'POST', '/token', { body: { grant_type: 'magic' } });
    expect(g.json.error_description).toContain('grant_type');
  });

  it('answers bad JSON and a wrong content type with 400, never 5xx', async () => {
    const bad = await call(s.base, 'POST', '/token', { raw: '{"grant_type":' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('illegal_argument');
    expect(bad.json.error_description).toContain('JSON');
    const text = await call(s.base, 'POST', '/token', { raw: 'hello', contentType: 'text/plain' });
    expect(text.status).toBe(400);
    expect(text.json.error_description).toContain('application/json');
    const empty = await call(s.base, 'POST', '/token', { raw: '' });
    expect(empty.status).toBe(400);
  });
});

describe('auth errors', () => {
  it('401 unauthorized without a token, 401 auth_bad_access_token with a bad or expired one', async () => {
    const none = await call(s.base, 'GET', '/users/alice/notification/user/alice');
    expect(none.status).toBe(401);
    expect(none.json.error).toBe('unauthorized');
    const bad = await call(s.base, 'GET', '/users/alice/notification/user/alice', { token: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.json.error).toBe('auth_bad_access_token');
    const tok = await signIn(s, 'carol', 60);
    const now = Date.now();
    s.server.ctx.config.now = () => now + 61_000;
    try {
      const expired = await call(s.base, 'GET', '/users/carol/notification/user/carol', { token: tok });
      expect(expired.status).toBe(401);
      expect(expired.json.error_description).toContain('expired');
    } finally {
      s.server.ctx.config.now = Date.now;
    }
  });

  it('403 for another user path with a user token; the app token acts for anyone', async () => {
    const alice = await signIn(s, 'alice');
    const r = await call(s.base, 'GET', '/users/bob/notification/user/bob', { token: alice });
    expect(r.status).toBe(403);
    expect(r.json.error).toBe('forbidden');
    const app = await call(s.base, 'GET', '/users/bob/notification/user/bob', { token: s.appToken });
    expect(app.status).toBe(200);
  });

  it('404 service_resource_not_found for an unknown path, app or user', async () => {
    const a = await call(s.base, 'GET', '/nothing/here', { token: s.appToken });
    expect(a.status).toBe(404);
    expect(a.json.error).toBe('service_resource_not_found');
    const b = await call(s.url, 'GET', '/other/app/users/alice/notification/user/alice', { token: s.appToken });
    expect(b.status).toBe(404);
    expect(b.json.error_description).toContain('/demo/im');
    const c = await call(s.base, 'GET', '/users/nobody/notification/user/nobody', { token: s.appToken });
    expect(c.status).toBe(404);
  });

  it('answers CORS preflight and marks responses for any origin', async () => {
    const pre = await fetch(`${s.base}/token`, { method: 'OPTIONS', headers: { Origin: 'chrome-extension://abc', 'Access-Control-Request-Method': 'PUT' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
    const r = await call(s.base, 'GET', '/nothing');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('registration, groups, rooms, members', () => {
  it('registers with the app token only (open registration off), refusing taken names', async () => {
    const anon = await call(s.base, 'POST', '/users', { body: { username: 'dave', password: 'dave' } });
    expect(anon.status).toBe(401);
    const alice = await signIn(s, 'alice');
    const user = await call(s.base, 'POST', '/users', { token: alice, body: { username: 'dave', password: 'dave' } });
    expect(user.status).toBe(403);
    const ok = await call<{ entities: { username: string }[] }>(s.base, 'POST', '/users', { token: s.appToken, body: { username: 'Dave', password: 'dave' } });
    expect(ok.status).toBe(200);
    expect(ok.json.entities[0]!.username).toBe('dave');
    const dup = await call(s.base, 'POST', '/users', { token: s.appToken, body: { username: 'DAVE', password: 'x' } });
    expect(dup.status).toBe(400);
    const bad = await call(s.base, 'POST', '/users', { token: s.appToken, body: { username: 'no spaces', password: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error_description).toContain('username');
  });

  it('creates groups and rooms, adds and removes members, lists joined groups', async () => {
    const g = await createGroup(s, 'alice', ['bob']);
    expect(g).toMatch(/^\d{15}$/);
    const room = await createGroup(s, 'alice', [], true);
    const add = await call(s.base, 'POST', `/chatgroups/${g}/users/carol`, { token: s.appToken });
    expect(add.status).toBe(200);
    const carol = await signIn(s, 'carol');
    const joined = await call<{ data: { groupid: string; type: string }[] }>(s.base, 'GET', '/users/carol/joined_chatgroups', { token: carol });
    expect(joined.json.data.map((x) => x.groupid)).toContain(g);
    const del = await call(s.base, 'DELETE', `/chatgroups/${g}/users/carol`, { token: s.appToken });
    expect(del.status).toBe(200);
    const again = await call(s.base, 'DELETE', `/chatgroups/${g}/users/carol`, { token: s.appToken });
    expect(again.status).toBe(404);
    const wrongKind = await call(s.base, 'POST', `/chatrooms/${g}/users/carol`, { token: s.appToken });
    expect(wrongKind.status).toBe(404);
    const roomAdd = await call(s.base, 'POST', `/chatrooms/${room}/users/bob`, { token: s.appToken });
    expect(roomAdd.status).toBe(200);
    const missing = await call(s.base, 'POST', '/chatgroups', { token: s.appToken, body: { groupname: 'x', owner: 'alice', members: ['ghost'] } });
    expect(missing.status).toBe(400);
    expect(missing.json.error_description).toContain('ghost');
    const asUser = await call(s.base, 'POST', '/chatgroups', { token: carol, body: { groupname: 'x', owner: 'carol' } });
    expect(asUser.status).toBe(403);
  });

  it('success envelope has the Easemob fields', async () => {
    const alice = await signIn(s, 'alice');
    const r = await call(s.base, 'GET', '/users/alice/notification/user/alice', { token: alice });
    expect(Object.keys(r.json).sort()).toEqual(['action', 'application', 'applicationName', 'data', 'duration', 'organization', 'path', 'timestamp', 'uri'].sort());
    expect(r.json).toMatchObject({ organization: 'demo', application: 'im', action: 'get', path: '/users/alice/notification/user/alice' });
  });
});

describe('router-level bad input', () => {
  it('answers bad percent-encoding and over-long segments with the error envelope', async () => {
    const token = await signIn(s, 'alice');
    const bad = await call(s.base, 'GET', '/users/%ZZ/notification/user/alice', { token });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('illegal_argument');
    const long = await call(s.base, 'GET', `/users/alice/notification/chatgroup/${'g'.repeat(300)}`, { token });
    expect(long.status).toBe(400);
    expect(long.json.error).toBe('illegal_argument');
    const id128 = await call(s.base, 'GET', `/users/alice/notification/chatgroup/${'g'.repeat(128)}`, { token });
    expect(id128.status).toBe(200);
    const u = await call(s.base, 'GET', `/users/${'a'.repeat(200)}/notification/user/x`, { token });
    expect(u.status).toBe(400);
    expect(u.json.error_description).toContain('username');
  });
});
