/**
 * The Web Push sender (webpush.ts) on its own, over real HTTPS to the fake push service (which
 * checks VAPID and decrypts): the request a push service sees, the outcome the worker gets back
 * for each kind of answer (or none), and the VAPID JWT cache under an injected clock.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, createServer as createHttpsServer, type Server } from 'node:https';
import { createSecureServer } from 'node:http2';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUSH_TTL_SECONDS, WebPushSender } from '../../src/server/push/webpush.ts';
import { type FakePushService, startPushService, verifyVapid } from '../fakes/push-service.ts';
import { eventually } from './helpers.ts';

const SUBJECT = 'mailto:ops@example.com';
const vapid = webpush.generateVAPIDKeys();
let svc: FakePushService;
let sender: WebPushSender;

beforeAll(async () => {
  svc = await startPushService({ vapidPublicKey: vapid.publicKey });
  sender = new WebPushSender(vapid, SUBJECT, { ca: svc.ca, timeoutMs: 10_000, allowPrivate: true, now: Date.now, encryptThreads: 0 });
});
afterAll(async () => {
  sender.close();
  await svc.stop();
});

const cas = new Map<Server, string>();
const ownCa = (server: Server) => cas.get(server)!;

/** An HTTPS service of the test's own making (handler), and a sender with `timeoutMs` that trusts it. */
async function withOwnService(
  handler: (req: IncomingMessage, res: ServerResponse) => void, timeoutMs: number,
  use: (sender: WebPushSender, endpoint: string, server: Server) => Promise<void>,
): Promise<void> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'own-push-service' }], {
    keyType: 'ec', algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: true }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const server = createHttpsServer({ key: pems.private, cert: pems.cert }, handler);
  cas.set(server, pems.cert);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const own = new WebPushSender(vapid, SUBJECT, { ca: pems.cert, timeoutMs, allowPrivate: true, now: Date.now, encryptThreads: 0 });
  try {
    await use(own, `https://127.0.0.1:${(server.address() as AddressInfo).port}/push/own`, server);
  } finally {
    own.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

describe('what the push service receives', () => {
  it('one aes128gcm POST it can verify and decrypt, with TTL 24 h, the Topic, normal urgency and an octet-stream body', async () => {
    const sub = svc.createSubscription();
    expect(await sender.send(sub, '{"m":"one"}', 'conv-topic')).toEqual({ status: 201 });
    const [p] = svc.pushesFor(sub.endpoint);
    expect(p).toMatchObject({
      payload: { m: 'one' }, ttl: String(PUSH_TTL_SECONDS), topic: 'conv-topic', urgency: 'normal', contentType: 'application/octet-stream',
      claims: { aud: svc.origin, sub: SUBJECT },
    });
    expect(svc.rejected).toEqual([]);
  });
});

describe('the outcome of each answer', () => {
  it('the status as given, with Retry-After only when the service sent one', async () => {
    const busy = svc.createSubscription();
    svc.failWith(busy.endpoint, { status: 429, retryAfter: '30', times: 1 });
    expect(await sender.send(busy, '{}', 't')).toEqual({ status: 429, retryAfter: '30' });
    const broken = svc.createSubscription();
    svc.failWith(broken.endpoint, { status: 500, times: 1 });
    // Strict: no `retryAfter` key at all (not even undefined) when the service sent none.
    expect(await sender.send(broken, '{}', 't')).toStrictEqual({ status: 500 });
  });

  it('keys that are not a P-256 point: no request, and a failure that is not "unanswered" (never retried)', async () => {
    const sub = svc.createSubscription();
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url');
    const o = await sender.send({ ...sub, keys: { ...sub.keys, p256dh: offCurve } }, '{}', 't');
    expect(o.status).toBe(0);
    expect(o.error).toMatch(/^cannot encrypt for this subscription: ./);
    expect(o.unanswered).toBeUndefined();
    expect(svc.attempts(sub.endpoint)).toBe(0);
  });

  it('a refused connection is "unanswered": the service, not the subscription, so it is retried', async () => {
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const sub = svc.createSubscription();
    const o = await sender.send({ ...sub, endpoint: `https://127.0.0.1:${port}/push/x` }, '{}', 't');
    expect(o).toMatchObject({ status: 0, unanswered: true });
    expect(o.error).toMatch(/ECONNREFUSED/);
  });

  it('an answer cut off in its body still reports the status the service gave', async () => {
    await withOwnService((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'Content-Length': '100' });
        res.write('partial', () => res.socket?.destroy());
      });
    }, 10_000, async (own, endpoint) => {
      const o = await own.send({ ...svc.createSubscription(), endpoint }, '{}', 't');
      expect(o.status).toBe(503);
      expect(o.error).toBeTruthy();
    });
  });

  it('no answer within the timeout is "unanswered", and says how long it waited', async () => {
    // The service reads the request and never answers: only the timeout can end it.
    await withOwnService((req) => req.resume(), 300, async (own, endpoint) => {
      expect(await own.send({ ...svc.createSubscription(), endpoint }, '{}', 't')).toEqual({ status: 0, error: 'no answer within 300 ms', unanswered: true });
    });
  });
});

describe('the VAPID JWT (RFC 8292), under an injected clock', () => {
  // Near the real time: web-push itself refuses an expiry more than 24 h after the real clock.
  const T0 = Math.floor(Date.now() / 1000) * 1000 + 500;
  const T0S = Math.floor(T0 / 1000);
  const HOUR_S = 3600;

  it('is signed once per push-service origin for 12 h and reused until an hour before it expires', () => {
    let t = T0;
    const s = new WebPushSender(vapid, SUBJECT, { timeoutMs: 1000, allowPrivate: true, now: () => t, encryptThreads: 0 });
    try {
      const a = s.authorization('https://a.example');
      expect(verifyVapid(a, 'https://a.example', vapid.publicKey, T0S)).toMatchObject({ aud: 'https://a.example', sub: SUBJECT, exp: T0S + 12 * HOUR_S });
      // ECDSA signatures are randomised: an equal header is the cached one, not a new signature.
      expect(s.authorization('https://a.example')).toBe(a);
      const b = s.authorization('https://b.example');
      expect(b).not.toBe(a);
      expect(verifyVapid(b, 'https://b.example', vapid.publicKey, T0S).aud).toBe('https://b.example');

      t = (T0S + 11 * HOUR_S - 1) * 1000;
      expect(s.authorization('https://a.example')).toBe(a);
      t = (T0S + 11 * HOUR_S) * 1000;
      const renewed = s.authorization('https://a.example');
      expect(renewed).not.toBe(a);
      expect(verifyVapid(renewed, 'https://a.example', vapid.publicKey, T0S + 11 * HOUR_S).exp).toBe(T0S + 23 * HOUR_S);
      expect(s.authorization('https://a.example')).toBe(renewed);
    } finally {
      s.close();
    }
  });

  it('pushes to one origin carry the same JWT', async () => {
    const one = svc.createSubscription();
    const two = svc.createSubscription();
    await sender.send(one, '{}', 't');
    await sender.send(two, '{}', 't');
    expect(svc.pushesFor(two.endpoint)[0]!.authorization).toBe(svc.pushesFor(one.endpoint)[0]!.authorization);
  });
});

describe('close()', () => {
  it('ends the keep-alive connections of its own agent, and leaves an agent it was given alone', async () => {
    await withOwnService((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(201).end());
    }, 10_000, async (own, endpoint, server) => {
      expect((await own.send({ ...svc.createSubscription(), endpoint }, '{}', 't')).status).toBe(201);
      const open = () => new Promise<number>((r) => server.getConnections((_e, n) => r(n)));
      expect(await open()).toBe(1);
      own.close();
      await eventually(async () => ((await open()) === 0 ? true : undefined), 5000, 'the keep-alive connection to close');

      const agent = new Agent({ keepAlive: true, ca: ownCa(server) });
      const lent = new WebPushSender(vapid, SUBJECT, { agent, timeoutMs: 10_000, allowPrivate: true, now: Date.now, encryptThreads: 0 });
      expect((await lent.send({ ...svc.createSubscription(), endpoint }, '{}', 't')).status).toBe(201);
      const kept = Object.values(agent.freeSockets).flat();
      expect(kept).toHaveLength(1);
      lent.close();
      expect(kept[0]!.destroyed).toBe(false);
      agent.destroy();
    });
  });
});

describe('HTTP/1.1 and HTTP/2 paths', () => {
  it('over HTTP/1.1 too: the status as given, with Retry-After only when the service sent one', async () => {
    let n = 0;
    await withOwnService((req, res) => {
      req.resume();
      req.on('end', () => (n++ === 0 ? res.writeHead(429, { 'Retry-After': '30' }).end() : res.writeHead(201).end()));
    }, 10_000, async (own, endpoint) => {
      const sub = { ...svc.createSubscription(), endpoint };
      expect(await own.send(sub, '{}', 't')).toStrictEqual({ status: 429, retryAfter: '30' });
      expect(await own.send(sub, '{}', 't')).toStrictEqual({ status: 201 });
    });
  });

  it('keeps HTTP/1.1 connections alive between pushes, and opens no more than maxSockets at once', async () => {
    await withOwnService((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(201).end());
    }, 10_000, async (_own, endpoint, server) => {
      let connections = 0;
      server.on('secureConnection', () => connections++);
      const s = new WebPushSender(vapid, SUBJECT, { ca: ownCa(server), timeoutMs: 10_000, allowPrivate: true, now: Date.now, encryptThreads: 0, maxSockets: 2 });
      try {
        const sub = { ...svc.createSubscription(), endpoint };
        // One TLS connection asks for h2 (and learns the origin speaks HTTP/1.1 only); then at most two.
        const outs = await Promise.all(Array.from({ length: 6 }, () => s.send(sub, '{}', 't')));
        expect(outs.every((o) => o.status === 201)).toBe(true);
        expect(connections).toBe(3);
        for (const _ of [1, 2, 3]) expect((await s.send(sub, '{}', 't')).status).toBe(201);
        expect(connections).toBe(3);
      } finally {
        s.close();
      }
    });
  });

  it('with http2: false, speaks HTTP/1.1 even to a service that speaks h2', async () => {
    const s = new WebPushSender(vapid, SUBJECT, { ca: svc.ca, timeoutMs: 10_000, allowPrivate: true, now: Date.now, encryptThreads: 0, http2: false });
    try {
      const sub = svc.createSubscription();
      expect(await s.send(sub, '{}', 't')).toEqual({ status: 201 });
      expect(svc.pushesFor(sub.endpoint).map((p) => p.httpVersion)).toEqual(['1.1']);
    } finally {
      s.close();
    }
  });

  it('a name resolving to a private address, refused on the HTTP/2 path, is not "unanswered" (never retried)', async () => {
    const s = new WebPushSender(vapid, SUBJECT, { ca: svc.ca, timeoutMs: 10_000, allowPrivate: false, now: Date.now, encryptThreads: 0 });
    try {
      const sub = svc.createSubscription();
      const o = await s.send({ ...sub, endpoint: sub.endpoint.replace('127.0.0.1', 'localhost') }, '{}', 't');
      expect(o).toStrictEqual({ status: 0, error: expect.stringMatching(/non-public/) });
      expect(svc.attempts(sub.endpoint)).toBe(0);
    } finally {
      s.close();
    }
  });

  it('an h2 service that never answers is "unanswered" after the timeout, with no second try over HTTP/1.1', async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'silent-h2' }], {
      keyType: 'ec', algorithm: 'sha256',
      extensions: [{ name: 'basicConstraints', cA: true }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    let streams = 0;
    let connections = 0;
    const server = createSecureServer({ key: pems.private, cert: pems.cert });
    server.on('secureConnection', () => connections++);
    server.on('stream', (stream) => (streams++, stream.resume()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const s = new WebPushSender(vapid, SUBJECT, { ca: pems.cert, timeoutMs: 300, allowPrivate: true, now: Date.now, encryptThreads: 0 });
    try {
      const endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}/push/silent`;
      expect(await s.send({ ...svc.createSubscription(), endpoint }, '{}', 't')).toEqual({ status: 0, error: 'no answer within 300 ms', unanswered: true });
      expect({ streams, connections }).toEqual({ streams: 1, connections: 1 });
    } finally {
      s.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
