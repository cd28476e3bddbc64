/**
 * SPEC 2/4: the IM connection and the push stream are a user's sockets. An app (admin) token
 * names no user, so both refuse it: a `forbidden` error frame, then close code 4003 — never `ready`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, signIn, startTestServer, type TestServer, WsClient } from './helpers.ts';

let s: TestServer;
let user: string;

beforeAll(async () => {
  s = await startTestServer();
  await register(s, 'tia');
  user = await signIn(s, 'tia');
});
afterAll(async () => {
  await s.close();
});

const SOCKETS = [
  { path: '/ws', auth: (token: string) => ({ op: 'auth', token, resource: 'desk' }) },
  { path: '/push/stream', auth: (token: string) => ({ op: 'auth', token, device_id: 'ext' }) },
];

describe('sockets take user tokens only', () => {
  it.each(SOCKETS)('$path refuses an app token with a forbidden error frame and close code 4003', async ({ path, auth }) => {
    const c = await WsClient.open(`${s.base.replace('http', 'ws')}${path}`);
    c.send(auth(s.appToken));
    expect(await c.next((f) => f.op === 'error')).toMatchObject({ error: 'forbidden', error_description: expect.stringContaining('user token') });
    expect((await c.closed).code).toBe(4003);
    expect(c.frames.some((f) => f.op === 'ready')).toBe(false);
  });

  it.each(SOCKETS)('$path accepts a user token on the same server (the refusal above is about the token kind)', async ({ path, auth }) => {
    const c = await WsClient.open(`${s.base.replace('http', 'ws')}${path}`);
    c.send(auth(user));
    await c.next((f) => f.op === 'ready');
    expect(c.frames.some((f) => f.op === 'error')).toBe(false);
    await c.close();
  });
});
