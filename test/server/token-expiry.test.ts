/** #11: an IM socket or push stream does not outlive its token: closed with 4001 "token expired" at expiry. */
import { afterEach, expect, it } from 'vitest';
import { issueToken } from '../../src/server/accounts.ts';
import { connectIm, connectStream, register, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

it('closes IM and stream sockets with 4001 when their 2 s token expires, and not before', async () => {
  s = await startTestServer();
  await register(s, 'ann');
  // The API's shortest ttl is 60 s; a 2 s token is issued directly.
  const { token } = await issueToken(s.server.ctx.store, 'ann', 2, Date.now());
  const t0 = Date.now();
  const im = await connectIm(s, token, 'r1');
  const stream = await connectStream(s, token, 'ext-1');
  const closes: { code: number; ms: number; reason: string }[] = [];
  const watch = (c: typeof im) =>
    new Promise<void>((resolve) => c.socket.on('close', (code, reason) => (closes.push({ code, ms: Date.now() - t0, reason: String(reason) }), resolve())));
  await Promise.all([watch(im), watch(stream)]);
  for (const c of closes) {
    expect(c.code).toBe(4001);
    expect(c.reason).toBe('token expired');
    expect(c.ms).toBeGreaterThan(1500);
    expect(c.ms).toBeLessThan(4000);
  }
});
