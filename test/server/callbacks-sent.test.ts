/**
 * SPEC 9.1 in one server (two nodes in cluster runs, sharing the queue): the callbacks of each
 * message, their signature, one retry with the same bytes after --callback-retry-ms, and the
 * failures counted in GET /callbacks/status.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallbackBody, signatureMatches } from '../../src/server/callbacks/body.ts';
import { call, connectIm, createGroup, eventually, register, send, signIn, startTestServer, type TestServer } from './helpers.ts';

const SECRET = 'sent-callbacks-secret';
const RETRY_MS = 400;

interface Hit {
  at: number;
  text: string;
  body: CallbackBody;
}

let s: TestServer;
let receiver: Server;
let hits: Hit[] = [];
let answer: 'ok' | 'fail' | 'hang' = 'ok';

const read = (req: IncomingMessage) => new Promise<string>((r) => {
  let t = '';
  req.on('data', (d: Buffer) => (t += d.toString()));
  req.on('end', () => r(t));
});

beforeAll(async () => {
  receiver = createServer((req, res) => void read(req).then((text) => {
    hits.push({ at: Date.now(), text, body: JSON.parse(text) as CallbackBody });
    if (answer === 'hang') return; // never answers: the sender's 5 s (here 300 ms) timeout decides
    res.writeHead(answer === 'ok' ? 200 : 503).end('{}');
  }));
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as { port: number }).port;
  s = await startTestServer({ callback: { url: `http://127.0.0.1:${port}/cb`, secret: SECRET, retryMs: RETRY_MS, timeoutMs: 300 } });
  await register(s, 'alice', 'bob', 'carol');
});

afterAll(async () => {
  await s?.close();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

const status = async () => (await call<{ data: { sent: Record<string, unknown> } }>(s.base, 'GET', '/callbacks/status', { token: s.appToken })).json.data.sent;

describe('callbacks sent (SPEC 9.1)', () => {
  it('sends `chat` once per message and `chat_offline` per recipient with no device online, signed, timestamped when received', async () => {
    hits = [];
    answer = 'ok';
    const bob = await signIn(s, 'bob');
    const carol = await signIn(s, 'carol');
    const online = await connectIm(s, carol, 'web');
    const before = Date.now();
    const { alice: id } = await send(s, bob, 'users', ['alice'], 'direct');
    const g = await createGroup(s, 'bob', ['alice', 'carol']);
    const { [g]: gid } = await send(s, bob, 'chatgroups', [g], 'to the group');
    await eventually(() => (hits.length >= 4 ? true : undefined), 5000, 'four callbacks');
    await new Promise((r) => setTimeout(r, 300));
    const of = (msgId: string) => hits.filter((h) => h.body.msg_id === msgId).map((h) => [h.body.eventType, h.body.to, h.body.group_id]).sort();
    expect(of(id!)).toEqual([['chat', 'alice', undefined], ['chat_offline', 'alice', undefined]]);
    // carol is online: no chat_offline for her; bob is the sender.
    expect(of(gid!)).toEqual([['chat', g, g], ['chat_offline', 'alice', g]]);
    for (const { body } of hits) {
      expect(signatureMatches(body.security, body.callId, SECRET, body.timestamp)).toBe(true);
      expect(body).toMatchObject({ appkey: 'demo#im', securityVersion: '1.0.0', from: 'bob' });
      expect(body.callId).toMatch(/^demo#im_[0-9a-f-]{36}$/);
      expect(body.timestamp).toBeGreaterThanOrEqual(before - 1);
    }
    expect(hits.find((h) => h.body.msg_id === gid)!.body.payload).toEqual({ bodies: [{ type: 'txt', msg: 'to the group' }] });
    expect(await status()).toMatchObject({ pending: 0, sent: 4 });
    online.close();
  });

  it('no 2xx (an error, or no answer in time) → one retry with the same body after --callback-retry-ms, then counted failed', async () => {
    const bob = await signIn(s, 'bob');
    for (const mode of ['fail', 'hang'] as const) {
      hits = [];
      answer = mode;
      const { alice: id } = await send(s, bob, 'users', ['alice'], `while the receiver ${mode}s`);
      await eventually(() => (hits.length >= 4 ? true : undefined), 5000, 'two attempts of each callback');
      await new Promise((r) => setTimeout(r, RETRY_MS + 500));
      expect(hits).toHaveLength(4);
      for (const callId of new Set(hits.map((h) => h.body.callId))) {
        const tries = hits.filter((h) => h.body.callId === callId);
        expect(tries).toHaveLength(2);
        expect(tries[1]!.text).toBe(tries[0]!.text);
        expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(RETRY_MS - 50);
        expect(tries[0]!.body.msg_id).toBe(id);
      }
    }
    const st = await eventually(async () => {
      const x = await status();
      return x.failed === 4 ? x : undefined;
    }, 3000, 'four failures counted');
    expect(st).toMatchObject({ pending: 0, sent: 4, failed: 4 });
    expect(String(st.lastError)).toMatch(/no answer within 300 ms|HTTP 503/);
  });
});
