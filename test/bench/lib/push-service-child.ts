/**
 * The fake push service (test/fakes/push-service.ts: its VAPID check and aes128gcm decryption) as
 * a process of its own, so a benchmark's push service does not share the server's event loop.
 * Spawned by `startPushServiceProcess()` (push-service-process.ts); talks over the IPC channel.
 *
 * Every request is checked cheaply (known endpoint, Content-Encoding aes128gcm, TTL, a
 * `vapid t=..., k=...` header with the expected key); one in `verifyEvery` (1 = all) is fully
 * verified: the JWT signature and claims, and the body decrypted with the subscription's keys
 * and parsed as JSON. A failed check is a 400 and counted as rejected, with why. It speaks HTTP/2
 * and HTTP/1.1 (ALPN), as the real services do.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { decryptAes128gcm, verifyVapid } from '../../fakes/push-service.ts';

type Secrets = Parameters<typeof decryptAes128gcm>[1];
type In =
  | { type: 'subscribe'; n: number }
  | { type: 'config'; vapidKey?: string; verifyEvery?: number }
  | { type: 'expect'; n: number; id: number }
  | { type: 'stats' }
  | { type: 'reset' };

const send = (m: unknown) => process.send!(m);
const subs = new Map<string, Secrets>();
let vapidKey: string | undefined;
let verifyEvery = 1;
let accepted = 0;
let verified = 0;
let seen = 0;
let rejected = 0;
const reasons: string[] = [];
const perEndpoint = new Map<string, number>();
const expecting: { n: number; id: number }[] = [];
let firstAt = 0;
let lastAt = 0;
let cpuFrom = process.cpuUsage();

function reject(why: string): void {
  rejected++;
  if (reasons.length < 5) reasons.push(why);
}

function stats() {
  let duplicates = 0;
  for (const n of perEndpoint.values()) if (n > 1) duplicates += n - 1;
  const cpu = process.cpuUsage(cpuFrom);
  return { accepted, verified, rejected, reasons, distinct: perEndpoint.size, duplicates, firstAt, lastAt, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
  keyType: 'ec', algorithm: 'sha256',
  extensions: [{ name: 'basicConstraints', cA: true }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
});
// HTTP/2 with HTTP/1.1 on the side (ALPN), like FCM, autopush and Apple's service.
const server = createSecureServer({ key: pems.private, cert: pems.cert, allowHTTP1: true }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const endpoint = `${origin}${req.url}`;
    const secrets = subs.get(endpoint);
    const h = req.headers;
    try {
      if (req.method !== 'POST' || !secrets) throw new Error(`unknown endpoint ${req.url}`);
      if (h['content-encoding'] !== 'aes128gcm') throw new Error(`Content-Encoding ${h['content-encoding']}`);
      if (!h.ttl) throw new Error('no TTL');
      const k = /^vapid t=[^,\s]+,\s*k=([A-Za-z0-9_-]+)$/.exec(h.authorization ?? '')?.[1];
      if (!k || (vapidKey && k !== vapidKey)) throw new Error('Authorization is not vapid with the expected key');
      if (++seen % verifyEvery === 0) {
        verifyVapid(h.authorization, origin, vapidKey, Math.floor(Date.now() / 1000));
        JSON.parse(decryptAes128gcm(Buffer.concat(chunks), secrets).toString('utf8'));
        verified++;
      }
    } catch (e) {
      reject((e as Error).message);
      res.writeHead(400);
      return res.end();
    }
    accepted++;
    lastAt = Date.now();
    if (!firstAt) firstAt = lastAt;
    perEndpoint.set(endpoint, (perEndpoint.get(endpoint) ?? 0) + 1);
    res.writeHead(201);
    res.end();
    for (let i = expecting.length - 1; i >= 0; i--) {
      const e = expecting[i]!;
      if (accepted >= e.n) {
        expecting.splice(i, 1);
        send({ type: 'reached', id: e.id, at: lastAt, stats: stats() });
      }
    }
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

process.on('message', (m: In) => {
  if (m.type === 'subscribe') {
    const out = [];
    for (let i = 0; i < m.n; i++) {
      const ecdh = createECDH('prime256v1');
      const publicKey = ecdh.generateKeys();
      const auth = randomBytes(16);
      const endpoint = `${origin}/push/${subs.size + 1}-${randomBytes(6).toString('hex')}`;
      subs.set(endpoint, { ecdh, publicKey, auth });
      out.push({ endpoint, keys: { p256dh: publicKey.toString('base64url'), auth: auth.toString('base64url') } });
    }
    send({ type: 'subs', subs: out });
  } else if (m.type === 'config') {
    if (m.vapidKey !== undefined) vapidKey = m.vapidKey;
    if (m.verifyEvery !== undefined) verifyEvery = Math.max(1, m.verifyEvery);
    send({ type: 'ok' });
  } else if (m.type === 'expect') {
    if (accepted >= m.n) send({ type: 'reached', id: m.id, at: lastAt, stats: stats() });
    else expecting.push({ n: m.n, id: m.id });
  } else if (m.type === 'stats') {
    send({ type: 'stats', stats: stats() });
  } else if (m.type === 'reset') {
    accepted = verified = seen = rejected = firstAt = lastAt = 0;
    cpuFrom = process.cpuUsage();
    reasons.length = 0;
    perEndpoint.clear();
    send({ type: 'ok' });
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', origin, ca: pems.cert, pid: process.pid });
