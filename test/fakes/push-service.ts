/**
 * A fake Web Push service (the browser vendor's push server, which tests cannot reach), that
 * checks what the real ones check and decrypts what it receives.
 *
 * API:
 *   const svc = await startPushService({ vapidPublicKey?, http1Only? })   // https on 127.0.0.1, port 0;
 *                                HTTP/2 and HTTP/1.1 (ALPN) like the real services, or HTTP/1.1 only
 *   svc.ca                       PEM of its self-signed certificate: give it to the server as
 *                                config.push.ca (or NODE_EXTRA_CA_CERTS for a child process)
 *   svc.origin                   https://127.0.0.1:PORT
 *   svc.expectVapidKey(k)        the server's VAPID public key; pushes signed with another are 401
 *   const sub = svc.createSubscription()   browser PushSubscription JSON: {endpoint, keys:{p256dh, auth}}
 *                                (the private key and auth secret stay here for decryption)
 *   svc.received                 every accepted push: {endpoint, payload (decrypted JSON), text,
 *                                ttl, topic, urgency, contentType, authorization, jwt claims, at,
 *                                httpVersion ('2.0' or '1.1')}
 *   svc.rejected                 requests refused because the VAPID JWT or encryption was wrong, with why
 *   svc.failWith(endpoint, {status: 410 | 429 | 500 | ..., retryAfter?: '1', times?: n})
 *                                answer that status (times: only the next n requests; default forever)
 *   svc.clearFailure(endpoint)
 *   svc.attempts(endpoint)       how many requests hit that endpoint (accepted or not)
 *   await svc.waitFor(pred, ms)  resolves with the first received push matching pred
 *   await svc.stop()
 */
import { createECDH, createHmac, createDecipheriv, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { createServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import selfsigned from 'selfsigned';

export interface FakeSubscriptionJSON {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  endpoint: string;
  /** The decrypted body parsed as JSON (undefined if it is not JSON). */
  payload: Record<string, unknown> | undefined;
  text: string;
  ttl: string | undefined;
  topic: string | undefined;
  urgency: string | undefined;
  contentType: string | undefined;
  /** The whole Authorization header (to tell a reused VAPID JWT from a new one). */
  authorization: string;
  claims: { aud: string; exp: number; sub: string };
  at: number;
  /** '2.0' or '1.1': which protocol the sender used. */
  httpVersion: string;
}

export interface Failure {
  status: number;
  retryAfter?: string;
  /** Fail only this many more times; undefined = always. */
  times?: number;
}

interface SubSecrets {
  ecdh: ReturnType<typeof createECDH>;
  publicKey: Buffer;
  auth: Buffer;
}

function hmac(key: Buffer, data: Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 8291 + RFC 8188 (single record) decryption with the subscription's secrets. */
export function decryptAes128gcm(body: Buffer, secrets: SubSecrets): Buffer {
  const salt = body.subarray(0, 16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const shared = secrets.ecdh.computeSecret(asPublic);
  const prkKey = hmac(secrets.auth, shared);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), secrets.publicKey, asPublic, Buffer.from([1])]);
  const ikm = hmac(prkKey, keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error('missing the 0x02 last-record padding delimiter');
  return plain.subarray(0, end);
}

/** Checks a `vapid t=..., k=...` header per RFC 8292; returns the claims or throws why not. */
export function verifyVapid(header: string | undefined, origin: string, expectedKey: string | undefined, nowS: number) {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!m) throw new Error(`Authorization is not "vapid t=..., k=...": ${header}`);
  const [, jwt, k] = m as unknown as [string, string, string];
  if (expectedKey && k !== expectedKey) throw new Error('k is not the server VAPID public key');
  const [h, p, s] = jwt.split('.');
  if (!h || !p || !s) throw new Error('malformed JWT');
  const head = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
  if (head.alg !== 'ES256') throw new Error(`JWT alg ${head.alg}, want ES256`);
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  if (!ok) throw new Error('JWT signature does not verify');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { aud: string; exp: number; sub: string };
  if (claims.aud !== origin) throw new Error(`aud ${claims.aud}, want ${origin}`);
  if (!(claims.exp > nowS && claims.exp <= nowS + 86_400)) throw new Error(`exp ${claims.exp} not within 24 h`);
  if (!/^(mailto:|https:)/.test(claims.sub ?? '')) throw new Error(`sub ${claims.sub} is not mailto: or https:`);
  return claims;
}

export class FakePushService {
  readonly received: ReceivedPush[] = [];
  readonly rejected: { endpoint: string; reason: string }[] = [];
  private readonly subs = new Map<string, SubSecrets>();
  private readonly failures = new Map<string, Failure>();
  private readonly hits = new Map<string, number>();
  private readonly waiters: { pred: (p: ReceivedPush) => boolean; resolve: (p: ReceivedPush) => void }[] = [];
  private vapidKey: string | undefined;
  private nextId = 1;
  private readonly sockets = new Set<TLSSocket>();

  constructor(private readonly server: HttpsServer | Http2SecureServer, readonly ca: string, vapidKey?: string) {
    this.vapidKey = vapidKey;
    server.on('secureConnection', (socket: TLSSocket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    // The compatibility API gives HTTP/2 streams the same request/response shape as HTTP/1.1.
    (server as HttpsServer).on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const endpoint = `${this.origin}${req.url}`;
        this.hits.set(endpoint, (this.hits.get(endpoint) ?? 0) + 1);
        const fail = this.failures.get(endpoint);
        if (fail) {
          if (fail.times !== undefined && --fail.times <= 0) this.failures.delete(endpoint);
          res.writeHead(fail.status, fail.retryAfter ? { 'Retry-After': fail.retryAfter } : {});
          return res.end();
        }
        const secrets = this.subs.get(endpoint);
        if (req.method !== 'POST' || !secrets) {
          res.writeHead(404);
          return res.end();
        }
        try {
          if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`Content-Encoding ${req.headers['content-encoding']}`);
          if (!req.headers.ttl) throw new Error('no TTL header');
          const claims = verifyVapid(req.headers.authorization, this.origin, this.vapidKey, Math.floor(Date.now() / 1000));
          const plain = decryptAes128gcm(Buffer.concat(chunks), secrets).toString('utf8');
          let payload: Record<string, unknown> | undefined;
          try {
            payload = JSON.parse(plain) as Record<string, unknown>;
          } catch {
            payload = undefined;
          }
          const push: ReceivedPush = {
            endpoint, payload, text: plain, ttl: req.headers.ttl as string, topic: req.headers.topic as string | undefined,
            urgency: req.headers.urgency as string | undefined, contentType: req.headers['content-type'],
            authorization: req.headers.authorization ?? '', claims, at: Date.now(), httpVersion: req.httpVersion,
          };
          this.received.push(push);
          for (const w of [...this.waiters]) {
            if (w.pred(push)) {
              this.waiters.splice(this.waiters.indexOf(w), 1);
              w.resolve(push);
            }
          }
          res.writeHead(201);
          res.end();
        } catch (e) {
          this.rejected.push({ endpoint, reason: (e as Error).message });
          res.writeHead(400);
          res.end();
        }
      });
    });
  }

  get origin(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  expectVapidKey(key: string): void {
    this.vapidKey = key;
  }

  /** A new browser-like subscription on this service. */
  createSubscription(): FakeSubscriptionJSON {
    const ecdh = createECDH('prime256v1');
    const publicKey = ecdh.generateKeys();
    const auth = randomBytes(16);
    const endpoint = `${this.origin}/push/${this.nextId++}-${randomBytes(6).toString('hex')}`;
    this.subs.set(endpoint, { ecdh, publicKey, auth });
    return { endpoint, keys: { p256dh: publicKey.toString('base64url'), auth: auth.toString('base64url') } };
  }

  failWith(endpoint: string, failure: Failure): void {
    this.failures.set(endpoint, { ...failure });
  }

  clearFailure(endpoint: string): void {
    this.failures.delete(endpoint);
  }

  attempts(endpoint: string): number {
    return this.hits.get(endpoint) ?? 0;
  }

  /** Pushes received for one endpoint. */
  pushesFor(endpoint: string): ReceivedPush[] {
    return this.received.filter((p) => p.endpoint === endpoint);
  }

  /** The first push (already received or arriving within `timeoutMs`) that matches. */
  waitFor(pred: (p: ReceivedPush) => boolean, timeoutMs = 5000): Promise<ReceivedPush> {
    const have = this.received.find(pred);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve: (p: ReceivedPush) => (clearTimeout(timer), resolve(p)) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no matching push within ${timeoutMs} ms; received ${this.received.length}, rejected ${JSON.stringify(this.rejected)}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

/** Starts the fake push service on 127.0.0.1 with a fresh self-signed certificate. */
export async function startPushService(opts: { vapidPublicKey?: string; http1Only?: boolean } = {}): Promise<FakePushService> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  const server = opts.http1Only
    ? createServer({ key: pems.private, cert: pems.cert, keepAlive: true })
    : createSecureServer({ key: pems.private, cert: pems.cert, allowHTTP1: true });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return new FakePushService(server, pems.cert, opts.vapidPublicKey);
}
