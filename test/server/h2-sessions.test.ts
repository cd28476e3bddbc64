/**
 * The HTTP/2 side of the Web Push sender against real TLS servers on 127.0.0.1: one session per
 * origin, the HTTP/1.1 fallback remembered, the SSRF rule at connection time, a silent service
 * timed out and its session replaced, GOAWAY survived.
 */
import { createSecureServer, type Http2SecureServer, type ServerHttp2Session } from 'node:http2';
import { createServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { H2Sessions } from '../../src/server/push/h2-sessions.ts';
import { WebPushSender } from '../../src/server/push/webpush.ts';
import { startPushService } from '../fakes/push-service.ts';

let pems: { private: string; cert: string };
const servers: (HttpsServer | Http2SecureServer)[] = [];
beforeAll(async () => {
  pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec', algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }, { type: 2, value: 'localhost' }] }],
  });
});
const serverSessions: ServerHttp2Session[] = [];
afterAll(async () => {
  for (const s of serverSessions) s.destroy();
  for (const s of servers) {
    if ('closeAllConnections' in s) s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/**
 * An HTTP/2 server answering `status` (or nothing, when `silent`), counting sessions. Whatever the
 * options, a stream to /silent gets no answer and one to /reset is reset (NO_ERROR) unanswered.
 */
async function h2Server(opts: { status?: number; silent?: boolean; host?: string } = {}) {
  const sessions: ServerHttp2Session[] = [];
  const streams = { n: 0 };
  const server = createSecureServer({ key: pems.private, cert: pems.cert });
  server.on('session', (s) => (sessions.push(s), serverSessions.push(s)));
  server.on('stream', (stream, headers) => {
    streams.n++;
    stream.resume();
    if (opts.silent || headers[':path'] === '/silent') return;
    if (headers[':path'] === '/reset') return stream.close(0);
    stream.on('end', () => stream.respond({ ':status': opts.status ?? 201, ...(headers['x-want-retry'] ? { 'retry-after': '7' } : {}) }, { endStream: true }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, opts.host ?? '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { server, sessions, streams, port };
}

/** The origin of an HTTPS server that speaks HTTP/1.1 only. */
async function h1Origin(): Promise<string> {
  const server = createServer({ key: pems.private, cert: pems.cert }, (_req, res) => res.end());
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const sessionsFor = (opts: Partial<ConstructorParameters<typeof H2Sessions>[0]> = {}) =>
  new H2Sessions({ ca: pems.cert, allowPrivate: true, timeoutMs: 2000, now: Date.now, ...opts });
const body = Buffer.from('x');

describe('H2Sessions', () => {
  it('carries every push to an origin on one session, with the status and Retry-After of each answer', async () => {
    const srv = await h2Server({ status: 429 });
    const h2 = sessionsFor();
    const url = new URL(`https://127.0.0.1:${srv.port}/push/a`);
    const outs = await Promise.all(Array.from({ length: 20 }, (_, i) => h2.post(url, i === 0 ? { 'X-Want-Retry': '1' } : {}, body)));
    expect(outs[0]).toEqual({ kind: 'answer', status: 429, retryAfter: '7' });
    expect(outs.slice(1).every((o) => o.kind === 'answer' && o.status === 429 && o.retryAfter === undefined)).toBe(true);
    expect(srv.sessions).toHaveLength(1);
    h2.close();
  });

  it('says "no-h2" for an origin that picks HTTP/1.1, and remembers it', async () => {
    const origin = await h1Origin();
    const h2 = sessionsFor();
    expect(h2.speaksH2(origin)).toBe(true);
    expect(await h2.post(new URL(`${origin}/p`), {}, body)).toEqual({ kind: 'no-h2' });
    expect(h2.speaksH2(origin)).toBe(false);
    h2.close();
  });

  it('asks an HTTP/1.1 origin again once an hour has passed, not a millisecond before', async () => {
    const origin = await h1Origin();
    let now = 1_000_000;
    const h2 = sessionsFor({ now: () => now });
    await h2.post(new URL(`${origin}/p`), {}, body);
    now += 3_599_999;
    expect(h2.speaksH2(origin)).toBe(false);
    now += 1; // exactly an hour after it chose HTTP/1.1
    expect(h2.speaksH2(origin)).toBe(true);
    h2.close();
  });

  it('refuses a name that resolves to a private address, and a private address it connected to, without the flag', async () => {
    const srv = await h2Server();
    const h2 = sessionsFor({ allowPrivate: false });
    const byName = await h2.post(new URL(`https://localhost:${srv.port}/p`), {}, body);
    expect(byName.kind).toBe('refused');
    expect((byName as { error: string }).error).toMatch(/non-public.*--allow-private-push-endpoints/);
    const byAddress = await h2.post(new URL(`https://127.0.0.1:${srv.port}/p`), {}, body);
    expect(byAddress).toEqual({ kind: 'refused', error: expect.stringMatching(/address 127\.0\.0\.1 is non-public/) });
    // Nothing was asked of the server: no stream reached it.
    await new Promise((r) => setTimeout(r, 50));
    expect(srv.streams.n).toBe(0);
    h2.close();
  });

  it('times out a silent service and opens a fresh session for the next push', async () => {
    const srv = await h2Server({ silent: true });
    const h2 = sessionsFor({ timeoutMs: 300 });
    const url = new URL(`https://127.0.0.1:${srv.port}/p`);
    expect(await h2.post(url, {}, body)).toEqual({ kind: 'unanswered', error: 'no answer within 300 ms' });
    expect(await h2.post(url, {}, body)).toMatchObject({ kind: 'unanswered' });
    expect(srv.sessions).toHaveLength(2);
    h2.close();
  });

  it('opens a new session after the service sends GOAWAY', async () => {
    const srv = await h2Server();
    const h2 = sessionsFor();
    const url = new URL(`https://127.0.0.1:${srv.port}/p`);
    expect(await h2.post(url, {}, body)).toEqual({ kind: 'answer', status: 201 });
    srv.sessions[0]!.goaway();
    await new Promise((r) => setTimeout(r, 50));
    expect(await h2.post(url, {}, body)).toEqual({ kind: 'answer', status: 201 });
    expect(srv.sessions).toHaveLength(2);
    h2.close();
  });
});

describe('WebPushSender over both protocols', () => {
  const vapid = { publicKey: '', privateKey: '' };
  beforeAll(async () => {
    const { default: webpush } = await import('web-push');
    Object.assign(vapid, webpush.generateVAPIDKeys());
  });

  for (const http1Only of [false, true]) {
    it(`delivers to a service that speaks ${http1Only ? 'HTTP/1.1 only' : 'HTTP/2'} with the same encrypted payload`, async () => {
      const svc = await startPushService({ vapidPublicKey: vapid.publicKey, http1Only });
      const sender = new WebPushSender(vapid, 'mailto:ops@example.com', { ca: svc.ca, timeoutMs: 5000, allowPrivate: true, now: Date.now });
      try {
        const sub = svc.createSubscription();
        for (const n of [1, 2, 3]) expect(await sender.send(sub, JSON.stringify({ n }), 'topic')).toEqual({ status: 201 });
        const got = svc.pushesFor(sub.endpoint);
        expect(got.map((p) => p.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
        expect(new Set(got.map((p) => p.httpVersion))).toEqual(new Set([http1Only ? '1.1' : '2.0']));
      } finally {
        sender.close();
        await svc.stop();
      }
    });
  }
});

/** Resolves when the server side of a session has closed. */
const closedOnServer = (s: ServerHttp2Session) => (s.closed || s.destroyed ? Promise.resolve() : new Promise<void>((r) => s.once('close', () => r())));

describe('H2Sessions, the edges', () => {
  it('a stream the service resets without answering is "unanswered" and says so (not "no-h2", the origin does speak h2)', async () => {
    const srv = await h2Server();
    const h2 = sessionsFor();
    expect(await h2.post(new URL(`https://127.0.0.1:${srv.port}/reset`), {}, body)).toEqual({ kind: 'unanswered', error: 'the stream ended without a status' });
    expect(h2.speaksH2(`https://127.0.0.1:${srv.port}`)).toBe(true);
    h2.close();
  });

  it('reaches an IPv6 literal origin, connecting to the bare address inside the brackets', async () => {
    const srv = await h2Server({ host: '::1' });
    const h2 = sessionsFor();
    expect(await h2.post(new URL(`https://[::1]:${srv.port}/p`), {}, body)).toEqual({ kind: 'answer', status: 201 });
    h2.close();
  });

  it('tells the service it takes no server push, and sends SNI for a host name but not for an IP literal', async () => {
    const srv = await h2Server();
    const h2 = sessionsFor();
    expect(await h2.post(new URL(`https://localhost:${srv.port}/p`), {}, body)).toEqual({ kind: 'answer', status: 201 });
    expect(await h2.post(new URL(`https://127.0.0.1:${srv.port}/p`), {}, body)).toEqual({ kind: 'answer', status: 201 });
    const [byName, byAddress] = srv.sessions;
    expect(byName!.remoteSettings.enablePush).toBe(false);
    expect((byName!.socket as unknown as { servername: string | false }).servername).toBe('localhost');
    // RFC 6066: SNI carries host names only.
    expect((byAddress!.socket as unknown as { servername: string | false }).servername).toBe(false);
    h2.close();
  });

  it('close() ends the live session of an origin, also when an earlier session of that origin closed after it was opened', async () => {
    const srv = await h2Server();
    const h2 = sessionsFor({ timeoutMs: 500 });
    const origin = `https://127.0.0.1:${srv.port}`;
    // The first session is given up (timeout) and replaced before it has finished closing.
    expect(await h2.post(new URL(`${origin}/silent`), {}, body)).toMatchObject({ kind: 'unanswered' });
    expect(await h2.post(new URL(`${origin}/p`), {}, body)).toEqual({ kind: 'answer', status: 201 });
    expect(srv.sessions).toHaveLength(2);
    await closedOnServer(srv.sessions[0]!);
    // The old session's 'close' must not have made the sessions forget the new one.
    await new Promise((r) => setTimeout(r, 50));
    h2.close();
    await closedOnServer(srv.sessions[1]!);
  });

  it('forgets a session once it has closed (no dead sessions kept per origin)', async () => {
    const srv = await h2Server();
    const h2 = sessionsFor();
    expect(await h2.post(new URL(`https://127.0.0.1:${srv.port}/p`), {}, body)).toEqual({ kind: 'answer', status: 201 });
    const live = h2['sessions'];
    expect(live.size).toBe(1);
    srv.sessions[0]!.destroy();
    for (let i = 0; i < 100 && live.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(live.size).toBe(0);
    h2.close();
  });

  it('closes a session left idle', async () => {
    const srv = await h2Server();
    const h2 = sessionsFor({ idleMs: 100 });
    expect(await h2.post(new URL(`https://127.0.0.1:${srv.port}/p`), {}, body)).toEqual({ kind: 'answer', status: 201 });
    await closedOnServer(srv.sessions[0]!);
    h2.close();
  });
});
