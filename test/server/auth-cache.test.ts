/**
 * Token owners and known users are remembered between requests (B4), without changing who may
 * do what: an expired token is refused even when it was cached, a revoked one is refused at once
 * on every node, and a token or user created on another node is found.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usernameSchema } from '../../src/core/index.ts';
import { parse } from '../../src/core/schema.ts';
import { revokeToken } from '../../src/server/accounts.ts';
import { parseUser } from '../../src/server/routes/http.ts';
import { call, register, signIn, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await register(s, 'ann', 'ben');
});
afterAll(() => s.close());

/** One base URL per node (`s.base` names the next node at each read). */
const bases = () => s.nodes.map(() => s.base);
const get = (base: string, token: string, user = 'ann') => call(base, 'GET', `/users/${user}/notification/user/${user}`, { token });

describe('cached tokens', () => {
  it('refuses a cached token once it has expired', async () => {
    const token = await signIn(s, 'ann', 60);
    for (const base of bases()) expect((await get(base, token)).status).toBe(200);
    const now = Date.now();
    s.server.ctx.config.now = () => now + 61_000;
    try {
      for (const base of bases()) {
        const r = await get(base, token);
        expect(r.status).toBe(401);
        expect(r.json.error).toBe('auth_bad_access_token');
        expect(r.json.error_description).toContain('expired');
      }
    } finally {
      s.server.ctx.config.now = Date.now;
    }
  });

  it('refuses a revoked token at once on every node, and keeps the others working', async () => {
    const token = await signIn(s, 'ann');
    const other = await signIn(s, 'ann');
    for (const base of bases()) expect((await get(base, token)).status).toBe(200);
    await revokeToken(s.server.ctx.store, s.server.ctx.router, token);
    for (const base of bases()) {
      const r = await get(base, token);
      expect(r.status).toBe(401);
      expect(r.json.error_description).toContain('Unknown access token');
      expect((await get(base, other)).status).toBe(200);
    }
  });

  it('finds a token issued and a user registered after the cache was filled', async () => {
    const ann = await signIn(s, 'ann');
    for (const base of bases()) expect((await get(base, ann)).status).toBe(200);
    // Unknown before registration: not remembered as unknown.
    for (const base of bases()) expect((await call(base, 'GET', '/users/cid/notification/user/cid', { token: s.appToken })).status).toBe(404);
    await register(s, 'cid');
    const cid = await signIn(s, 'cid');
    for (const base of bases()) expect((await get(base, cid, 'cid')).status).toBe(200);
  });
});

describe('parseUser', () => {
  it('accepts and lower-cases exactly what core usernameSchema does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[a-zA-Z0-9_.-]{0,66}$/), fc.constantFrom('', 'a'.repeat(64), 'a'.repeat(65), 'Ann\n', 'ann ')), (v) => {
        const core = parse(usernameSchema, v);
        let ours: string | undefined;
        try {
          ours = parseUser(v);
        } catch {
          ours = undefined;
        }
        expect(ours).toBe(core.ok ? core.value : undefined);
      }),
    );
  });
});
