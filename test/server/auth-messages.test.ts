/**
 * What a refused caller is told (routes/http.ts): each refusal names what was wrong and how to
 * fix it, and the success envelope describes the request. auth-matrix checks who gets which
 * status; this checks the words and the edges.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tokenHash } from '../../src/server/accounts.ts';
import { call, register, signIn, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
let ann: string;
beforeAll(async () => {
  s = await startTestServer();
  await register(s, 'ann', 'ben');
  ann = await signIn(s, 'ann');
});
afterAll(() => s.close());

const settings = (user = 'ann') => `/users/${user}/notification/user/${user}`;

async function refusal(path: string, headers: Record<string, string>): Promise<{ status: number; error: string; description: string }> {
  const r = await fetch(`${s.base}${path}`, { headers });
  const body = (await r.json()) as { error: string; error_description: string };
  return { status: r.status, error: body.error, description: body.error_description };
}

describe('refusals say what to do', () => {
  it('no Authorization header', async () => {
    expect(await refusal(settings(), {})).toEqual({
      status: 401, error: 'unauthorized',
      description: 'Missing Authorization header: send "Authorization: Bearer <token>" with a token from POST /{org}/{app}/token.',
    });
  });

  it('a header that is not "Bearer <token>"', async () => {
    expect(await refusal(settings(), { Authorization: `Basic ${ann}` })).toEqual({
      status: 401, error: 'auth_bad_access_token', description: 'The Authorization header must be "Bearer <token>".',
    });
  });

  it('another user\'s settings', async () => {
    const r = await call(s.base, 'GET', settings('ben'), { token: ann });
    expect([r.status, r.json.error_description]).toEqual([403, 'A user token acts only for its own user ("ann"), not for "ben".']);
  });

  it('a user who does not exist', async () => {
    const r = await call(s.base, 'GET', settings('nobody'), { token: s.appToken });
    expect([r.status, r.json.error_description]).toEqual([404, 'User "nobody" does not exist.']);
  });

  it('an app-only route with a user token', async () => {
    const r = await call(s.base, 'PUT', '/push/policy', { token: ann, body: { policy: 'allOffline' } });
    expect([r.status, r.json.error_description]).toEqual([403, 'This needs an app token: POST /{org}/{app}/token with grant_type "client_credentials".']);
  });

  it('a bad user name in the path names the field', async () => {
    const r = await call(s.base, 'GET', settings('a b'), { token: s.appToken });
    expect(r.status).toBe(400);
    expect(String(r.json.error_description)).toMatch(/^username "a b": /);
  });

  it('a token is refused from the very millisecond it expires', async () => {
    const token = await signIn(s, 'ann', 60);
    const r0 = await call(s.base, 'GET', settings(), { token });
    expect(r0.status).toBe(200);
    const expires = await expiryOf(token);
    for (const n of s.nodes) n.ctx.config.now = () => expires - 1;
    try {
      expect((await call(s.base, 'GET', settings(), { token })).status).toBe(200);
      for (const n of s.nodes) n.ctx.config.now = () => expires;
      const r = await call(s.base, 'GET', settings(), { token });
      expect([r.status, r.json.error_description]).toEqual([401, 'The access token has expired: sign in again to get a new one.']);
    } finally {
      for (const n of s.nodes) n.ctx.config.now = Date.now;
    }
  });
});

/** The token's stored expiry. */
async function expiryOf(token: string): Promise<number> {
  const owner = await s.server.ctx.auth.tokenOwner(tokenHash(token));
  if (!owner) throw new Error('token not found');
  return owner.expires;
}

describe('the success envelope', () => {
  it('names the request: path without org/app, uri with host, a duration in whole ms', async () => {
    const base = s.base; // one node: in a cluster run each read of s.base names the next
    const r = await call<{ path: string; uri: string; duration: number }>(base, 'GET', settings(), { token: ann });
    const host = new URL(base).host;
    expect(r.json.path).toBe(settings());
    expect(r.json.uri).toBe(`http://${host}/demo/im${settings()}`);
    expect(Number.isInteger(r.json.duration) && r.json.duration >= 0 && r.json.duration < 60_000).toBe(true);
  });
});

describe('the success envelope, edges', () => {
  it('a request without a Host header (HTTP/1.0) is named as on localhost', async () => {
    const { hostname, port } = new URL(s.url);
    const text = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(port), hostname, () => sock.write(`GET /demo/im${settings()} HTTP/1.0\r\nAuthorization: Bearer ${ann}\r\n\r\n`));
      let got = '';
      sock.setEncoding('utf8');
      sock.on('data', (d: string) => (got += d));
      sock.on('end', () => resolve(got));
      sock.on('error', reject);
    });
    expect(text).toMatch(/^HTTP\/1.1 200 /);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { uri: string };
    expect(body.uri).toBe(`http://localhost/demo/im${settings()}`);
  });

  it('the duration counts from the start of the request: a token lookup held 80 ms shows at least 80', async () => {
    const base = s.base;
    const spies = s.nodes.map((n) => {
      const original = n.ctx.auth.tokenOwner.bind(n.ctx.auth);
      return vi.spyOn(n.ctx.auth, 'tokenOwner').mockImplementation(async (hash) => {
        await new Promise((r) => setTimeout(r, 80));
        return original(hash);
      });
    });
    try {
      const r = await call<{ duration: number }>(base, 'GET', settings(), { token: ann });
      expect(r.json.duration).toBeGreaterThanOrEqual(80);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('a malformed user name in the path is refused naming the field "username"', async () => {
    const r = await call<{ error_description: string }>(s.base, 'GET', '/users/not%20a%20name/notification/user/ann', { token: s.appToken });
    expect(r.status).toBe(400);
    expect(r.json.error_description).toMatch(/^username "not a name": /);
    const kick = await call<{ error_description: string }>(s.base, 'DELETE', '/users/not%20a%20name/disconnect/web', { token: s.appToken });
    expect(kick.status).toBe(400);
    expect(kick.json.error_description).toMatch(/^username "not a name": /);
  });
});
