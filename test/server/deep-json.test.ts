// #1, SPEC 7: JSON nested deeper than 64 levels is a 400 over REST and an error frame over a
// WebSocket — refused before anything parses it, and the connection stays usable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type TestServer, startTestServer, WsClient } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

describe('REST bodies', () => {
  it.each([['arrays', deep(10_000)], ['objects', deepObject(10_000)], ['65 levels', deep(65)]])('%s past 64 levels: 400 with the envelope, naming the limit', async (_, raw) => {
    const r = await call(s.base, 'POST', '/token', { raw });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'illegal_argument' });
    expect(Object.keys(r.json).sort()).toEqual(['duration', 'error', 'error_description', 'exception', 'timestamp']);
    expect(r.json.error_description).toContain('nested deeper than 64 levels');
  });

  it('64 levels are parsed and then judged by the schema as usual', async () => {
    const r = await call(s.base, 'POST', '/token', { raw: deep(64) });
    expect(r.status).toBe(400);
    expect(r.json.error_description).not.toContain('nested');
  });

  it.each([
    ['{"grant_type":"password","username":"a","password":"b","__proto__":{"admin":true}}', '__proto__'],
    ['{"grant_type":"password","x":{"y":[{"\\u005f_proto__":1}]}}', '__proto__'],
    ['{"grant_type":"password","constructor":{"prototype":{"admin":true}}}', 'constructor.prototype'],
  ])('a prototype key is refused by name: %s', async (raw, key) => {
    const r = await call(s.base, 'POST', '/token', { raw });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'illegal_argument', error_description: `(body) has a key "${key}", which is not allowed` });
  });

  it('bad JSON and an empty body keep their messages', async () => {
    const bad = await call(s.base, 'POST', '/token', { raw: '{"a":' });
    expect(bad.status).toBe(400);
    expect(bad.json.error_description).toContain('(body) is not valid JSON');
    const empty = await call(s.base, 'POST', '/token', { raw: '' });
    expect(empty.status).toBe(400);
    expect(empty.json.error_description).toBe('(body) is missing: a JSON object');
  });

  it('an ordinary body still works', async () => {
    const r = await call(s.base, 'POST', '/token', { body: { grant_type: 'client_credentials', client_id: s.server.ctx.credentials.clientId, client_secret: s.server.ctx.credentials.clientSecret } });
    expect(r.status).toBe(200);
  });
});

describe('WebSocket frames', () => {
  it.each(['/ws', '/push/stream'])('%s: a deep frame gets an error frame and the socket stays usable', async (path) => {
    const c = await WsClient.open(`${s.base.replace('http', 'ws')}${path}`);
    try {
      c.send(deep(10_000));
      const err = await c.next((f) => f.op === 'error');
      expect(err).toMatchObject({ error: 'illegal_argument' });
      expect(err.error_description).toContain('nested deeper than 64 levels');
      c.send({ op: 'ping' });
      await c.next((f) => f.op === 'pong');
      expect(c.socket.readyState).toBe(c.socket.OPEN);
    } finally {
      await c.close();
    }
  });
});
