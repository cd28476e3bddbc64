/**
 * RFC 8291 message encryption (aes128gcm, RFC 8188, one record) with node:crypto alone, the same
 * bytes layout as web-push's `encrypt(..., 'aes128gcm')`: salt(16) | rs = 4096 (4) | idlen = 65 |
 * the server's one-time ECDH public key | AES-128-GCM(payload | 0x02) | tag.
 *
 * The cost is one ECDH key pair + one ECDH agreement per push (~0.15–0.2 ms of CPU): on a big
 * group that is most of the delivery worker's CPU, so `EncryptPool` runs it on worker threads
 * (one per core) while the event loop keeps doing HTTP and the store.
 */
import * as nodeCrypto from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

type Crypto = typeof nodeCrypto;

/** Where `encryptAes128gcm` gets each push's one-time key pair and salt (one per thread). */
export interface Ephemerals {
  ecdh: nodeCrypto.ECDH;
  salt(): Buffer;
}

/**
 * One ECDH object, given a new key pair per push (building the object cost as much as the key:
 * ~12 µs of ~150), and salts cut from a buffer of CSPRNG bytes refilled every 256 pushes (one
 * call instead of one per push, ~5 µs each). Every key pair and salt is still used once.
 * Self-contained on purpose, like `encryptAes128gcm`.
 */
export function ephemerals(c: Crypto): Ephemerals {
  const ecdh = c.createECDH('prime256v1');
  const pool = Buffer.alloc(16 * 256);
  let at = pool.length;
  return {
    ecdh,
    // A view, read at once by the caller (before the next call can refill the buffer).
    salt() {
      if (at === pool.length) {
        c.randomFillSync(pool);
        at = 0;
      }
      at += 16;
      return pool.subarray(at - 16, at);
    },
  };
}

/**
 * Encrypts `plaintext` for a subscription (`uaPublic` = p256dh, 65 bytes; `auth` = 16 bytes)
 * with a fresh key pair and salt from `eph`. Self-contained on purpose (only its arguments and
 * `Buffer`): its source is also the body of the worker threads.
 */
export function encryptAes128gcm(c: Crypto, uaPublic: Uint8Array, auth: Uint8Array, plaintext: Uint8Array, eph: Ephemerals): Buffer {
  if (uaPublic.length !== 65 || uaPublic[0] !== 4) throw new Error('p256dh is not an uncompressed P-256 point (65 bytes)');
  if (auth.length < 16) throw new Error('auth secret is shorter than 16 bytes');
  if (plaintext.length > 4096 - 17) throw new Error('payload too large for one 4096-byte record');
  const hmac = (key: Uint8Array, data: Uint8Array) => c.createHmac('sha256', key).update(data).digest();
  const asPublic = eph.ecdh.generateKeys();
  const shared = eph.ecdh.computeSecret(uaPublic);
  const salt = eph.salt();
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic, Buffer.from([1])]);
  const ikm = hmac(hmac(auth, shared), keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const cipher = c.createCipheriv('aes-128-gcm', cek, nonce);
  const head = Buffer.alloc(21);
  salt.copy(head, 0);
  head.writeUInt32BE(4096, 16);
  head[20] = asPublic.length;
  return Buffer.concat([head, asPublic, cipher.update(plaintext), cipher.update(Buffer.from([2])), cipher.final(), cipher.getAuthTag()]);
}

let mainThread: Ephemerals | undefined;

/** Encrypts `payload` for a subscription's base64url keys on the calling thread. */
export function encryptFor(p256dh: string, auth: string, payload: string): Buffer {
  mainThread ??= ephemerals(nodeCrypto);
  return encryptAes128gcm(nodeCrypto, Buffer.from(p256dh, 'base64url'), Buffer.from(auth, 'base64url'), Buffer.from(payload), mainThread);
}

const encryptInline = (j: Job) => encryptFor(j.p256dh, j.auth, j.payload);

/**
 * Jobs travel as strings: a small Buffer is a view into an 8 KB pool slab, and posting a view
 * clones its whole ArrayBuffer (measured: postMessage was the event loop's biggest cost).
 */
interface Job {
  id: number;
  /** base64url */
  p256dh: string;
  /** base64url */
  auth: string;
  payload: string;
}

/** The worker's script: CommonJS, no TypeScript loader needed (works under tsx, vitest and a build alike). */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const c = require('node:crypto');
// Transpilers that keep function names (tsx, vitest) wrap arrow functions in __name(...).
const __name = (f) => f;
const encrypt = ${encryptAes128gcm.toString()};
const eph = (${ephemerals.toString()})(c);
parentPort.on('message', (jobs) => {
  const out = [];
  const transfer = [];
  for (const j of jobs) {
    try {
      const body = encrypt(c, Buffer.from(j.p256dh, 'base64url'), Buffer.from(j.auth, 'base64url'), Buffer.from(j.payload), eph);
      // A copy that owns its memory, so it can be transferred rather than cloned.
      const own = new Uint8Array(body.length);
      own.set(body);
      out.push({ id: j.id, body: own });
      transfer.push(own.buffer);
    } catch (e) {
      out.push({ id: j.id, error: String(e && e.message || e) });
    }
  }
  parentPort.postMessage(out, transfer);
});
`;

/** Jobs per message to a thread at most (see `flush`). */
const CHUNK = 16;

/** A thread and the jobs it holds (kept until answered, so a thread that dies loses none). */
interface Slot {
  w: Worker;
  jobs: Map<number, Job>;
}

interface Pending {
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

/**
 * A small pool of worker threads encrypting pushes. Jobs asked for in the same turn of the event
 * loop travel together, up to 16 per message (postMessage costs more than one encryption's
 * bookkeeping); results come back as transferred buffers. Threads are unref'd: an idle pool
 * never keeps the process alive.
 */
export class EncryptPool {
  private readonly workers: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private queue: Job[] = [];
  private flushing = false;
  private nextId = 1;
  private closed = false;

  constructor(readonly size = Math.max(1, availableParallelism())) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  private spawn(): void {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    const slot: Slot = { w, jobs: new Map() };
    w.unref();
    w.on('message', (results: { id: number; body?: Uint8Array; error?: string }[]) => {
      for (const r of results) {
        slot.jobs.delete(r.id);
        const p = this.pending.get(r.id);
        if (!p) continue;
        this.pending.delete(r.id);
        if (r.body) p.resolve(Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength));
        else p.reject(new Error(r.error ?? 'encryption failed'));
      }
    });
    // A thread that dies (it should not) fails nothing: its jobs are done inline instead.
    w.on('error', () => this.retire(slot));
    w.on('exit', () => this.retire(slot));
    this.workers.push(slot);
  }

  private retire(slot: Slot): void {
    const i = this.workers.indexOf(slot);
    if (i >= 0) this.workers.splice(i, 1);
    const jobs = [...slot.jobs.values()];
    slot.jobs.clear();
    this.settleInline(jobs);
  }

  private settleInline(jobs: readonly Job[]): void {
    for (const j of jobs) {
      const p = this.pending.get(j.id);
      if (!p) continue;
      this.pending.delete(j.id);
      try {
        p.resolve(encryptInline(j));
      } catch (e) {
        p.reject(e as Error);
      }
    }
  }

  /** Encrypts `payload` for a subscription's keys (base64url) on a thread (inline when the pool is closed or has no thread left). */
  encrypt(p256dh: string, auth: string, payload: string): Promise<Buffer> {
    if (this.closed || this.workers.length === 0) {
      try {
        return Promise.resolve(encryptInline({ id: 0, p256dh, auth, payload }));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    }
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, p256dh, auth, payload });
      // A few messages per turn of the event loop: a postMessage (and the thread's wake-up)
      // costs tens of µs, more than the bookkeeping of many jobs.
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Splits the jobs of this tick between the threads, the least busy first, in messages of at
   * most CHUNK jobs: a claimed batch of hundreds comes back a chunk at a time, so the first
   * pushes go out after one chunk's encryption rather than after half the batch.
   */
  private flush(): void {
    this.flushing = false;
    const jobs = this.queue;
    this.queue = [];
    if (jobs.length === 0) return;
    if (this.workers.length === 0) return this.settleInline(jobs);
    const n = this.workers.length;
    const sorted = [...this.workers].sort((a, b) => a.jobs.size - b.jobs.size);
    const per = Math.min(CHUNK, Math.ceil(jobs.length / n));
    for (let i = 0, k = 0; i < jobs.length; i += per, k++) {
      const slot = sorted[k % n]!;
      const part = jobs.slice(i, i + per);
      for (const j of part) slot.jobs.set(j.id, j);
      slot.w.postMessage(part);
    }
  }

  /** Stops the threads; later calls encrypt inline. */
  async close(): Promise<void> {
    this.closed = true;
    const ws = this.workers.splice(0);
    for (const s of ws) s.jobs.clear();
    await Promise.all(ws.map((s) => s.w.terminate()));
    for (const [, p] of this.pending) p.reject(new Error('encryption pool closed'));
    this.pending.clear();
  }
}
