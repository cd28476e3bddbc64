/** SPEC 7 slow clients (#3): a request whose headers or body do not arrive in time is closed with a 408 envelope. */
import { connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** Writes `text` and never finishes; resolves with what the server answered and when it closed. */
function stall(url: string, text: string): Promise<{ answer: string; ms: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const sock = connect(Number(port), hostname, () => sock.write(text));
    let answer = '';
    sock.on('data', (d) => (answer += d.toString()));
    sock.on('error', reject);
    sock.on('close', () => resolve({ answer, ms: Date.now() - t0 }));
    setTimeout(() => sock.destroy(new Error('still open after 10 s')), 10_000).unref();
  });
}

it('closes a request whose body does not arrive in time, with a 408 envelope', async () => {
  s = await startTestServer({ requestTimeoutMs: 1000 });
  const r = await stall(s.url, 'POST /demo/im/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"gra');
  expect(r.answer).toMatch(/^HTTP\/1.1 408/);
  expect(r.answer).toMatch(/"error":"illegal_argument"/);
  expect(r.ms).toBeLessThan(3500);
});

it('closes a request whose headers do not arrive in time', async () => {
  s = await startTestServer({ requestTimeoutMs: 1000 });
  const r = await stall(s.url, 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
  expect(r.answer).toMatch(/^HTTP\/1.1 408/);
  expect(r.ms).toBeLessThan(3500);
});
