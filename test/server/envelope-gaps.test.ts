// #10: bodiless DELETEs succeed, and requests the router never sees get the SPEC 3 envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connectIm, register, signIn, type TestServer, startTestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await register(s, 'bob');
});
afterAll(() => s.close());

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
