// #10: requests the router never sees (an over-long URL, oversized headers) and bodiless
// DELETEs still get the SPEC 3 error envelope, or succeed, instead of Fastify's own answers.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connectIm, register, signIn, type TestServer, startTestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await register(s, 'bob');
});
afterAll(() => s.close());

const ENVELOPE_KEYS = ['duration', 'error', 'error_description', 'exception', 'timestamp'];

/** A raw GET, so nothing between the test and the server trims what is sent. */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown>; contentType: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${s.base}${path}`, { method: 'GET', headers: { Authorization: `Bearer ${s.appToken}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown>, contentType: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('requests too large for the HTTP parser', () => {
  it('a 100 KB query string gets 414 or 431 with the envelope and a sentence', async () => {
    const r = await rawGet(`/users/bob/notification?user=${'a'.repeat(100_000)}`);
    expect([414, 431]).toContain(r.status);
    expect(r.contentType).toContain('application/json');
    expect(Object.keys(r.json).sort()).toEqual(ENVELOPE_KEYS);
    expect(r.json.error).toBe('illegal_argument');
    expect(r.json.error_description).toMatch(/URL and headers .*16 KB/);
  });

  it('100 KB of headers get 431 with the envelope', async () => {
    const r = await rawGet('/users/bob/notification/user/bob', { 'X-Padding': 'p'.repeat(100_000) });
    expect(r.status).toBe(431);
    expect(Object.keys(r.json).sort()).toEqual(ENVELOPE_KEYS);
    expect(r.json.error_description).toMatch(/16 KB/);
  });

  it('the server keeps answering afterwards', async () => {
    const r = await call(s.base, 'GET', '/users/bob/notification/user/bob', { token: s.appToken });
    expect(r.status).toBe(200);
  });
});

describe('DELETE with Content-Type: application/json and no body', () => {
  it('kicks the device like a bodiless DELETE', async () => {
    const bob = await signIn(s, 'bob');
    const im = await connectIm(s, bob, 'desk');
    const r = await call<{ data: { result: boolean } }>(s.base, 'DELETE', '/users/bob/disconnect/desk', { token: s.appToken, raw: '' });
    expect(r.status).toBe(200);
    expect(r.json.data.result).toBe(true);
    expect(await im.next((f) => f.op === 'kicked')).toMatchObject({ op: 'kicked' });
    await im.closed;
  });

  it('an empty JSON body on DELETE is accepted, bad JSON still is not', async () => {
    expect((await call(s.base, 'DELETE', '/users/bob/disconnect/other', { token: s.appToken, raw: '{}' })).status).toBe(200);
    const bad = await call(s.base, 'DELETE', '/users/bob/disconnect/other', { token: s.appToken, raw: '{' });
    expect(bad.status).toBe(400);
    expect(bad.json.error_description).toContain('(body) is not valid JSON');
  });

  it('an empty body on POST or PUT is still "missing"', async () => {
    const r = await call(s.base, 'PUT', '/users/bob/notification/user/bob', { token: s.appToken, raw: '' });
    expect(r.status).toBe(400);
    expect(r.json.error_description).toBe('(body) is missing: a JSON object');
  });
});

describe('NUL characters (no store can keep one in text)', () => {
  it('a %00 anywhere in the URL, or U+0000 in a JSON string or key, is a 400 naming it, and nothing is stored', async () => {
    for (const path of ['/users/bob/notification?user=%00&group=x', '/users/bob/notification/chatgroup/a%00b', '/users/bob%00/notification/user/bob']) {
      const r = await call(s.base, 'GET', path, { token: s.appToken });
      expect(r.status, path).toBe(400);
      expect(r.json.error_description).toContain('NUL');
    }
    const reg = await call(s.base, 'POST', '/users', { token: s.appToken, body: { username: 'nul', password: 'password1', nickname: 'a\u0000b' } });
    expect(reg.status).toBe(400);
    expect(reg.json.error_description).toMatch(/nickname .*NUL/);
    const key = await call(s.base, 'PUT', '/users/bob/notification/user/bob', { token: s.appToken, raw: '{"type":"ALL","x\\u0000":1}' });
    expect(key.status).toBe(400);
    expect((await call(s.base, 'GET', '/users/nul', { token: s.appToken })).status).toBe(404);
  });
});
