/**
 * What a refused caller is told (routes/http.ts): each refusal names what was wrong and how to
 * fix it, and the success envelope describes the request. auth-matrix checks who gets which
 * status; this checks the words and the edges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
