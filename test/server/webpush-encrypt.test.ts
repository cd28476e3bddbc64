/** RFC 8291 encryption on worker threads (web-push's byte layout), and retries decided from a typed outcome. */
import * as nodeCrypto from 'node:crypto';
import { createECDH, randomBytes } from 'node:crypto';
import webpush from 'web-push';
import { afterAll, describe, expect, it } from 'vitest';
import { EncryptPool, encryptAes128gcm, ephemerals } from '../../src/server/push/aes128gcm.ts';
import { isRetryable } from '../../src/server/push/worker.ts';
import { decryptAes128gcm } from '../fakes/push-service.ts';

const ecdh = createECDH('prime256v1');
const publicKey = ecdh.generateKeys();
const auth = randomBytes(16);
const secrets = { ecdh, publicKey, auth };
const pool = new EncryptPool(2);
afterAll(() => pool.close());

describe('aes128gcm', () => {
  it('decrypts to the payload, with the same header and length as web-push', () => {
    const text = Buffer.from('{"m":"héllo","n":1}');
    const mine = encryptAes128gcm(nodeCrypto, publicKey, auth, text, ephemerals(nodeCrypto));
    const theirs = webpush.encrypt(publicKey.toString('base64url'), auth.toString('base64url'), text.toString(), 'aes128gcm').cipherText;
    expect(decryptAes128gcm(mine, secrets).toString()).toBe(text.toString());
    expect(mine.length).toBe(theirs.length);
    expect(mine.subarray(16, 21)).toEqual(theirs.subarray(16, 21));
  });

  it('every push has its own salt and key pair, though a thread keeps one ECDH object and one buffer of random bytes', () => {
    const eph = ephemerals(nodeCrypto);
    // 300 pushes: past one refill of the salt buffer (256 salts).
    const bodies = Array.from({ length: 300 }, (_, i) => encryptAes128gcm(nodeCrypto, publicKey, auth, Buffer.from(`push ${i}`), eph));
    expect(new Set(bodies.map((b) => b.subarray(0, 16).toString('hex'))).size).toBe(300);
    expect(new Set(bodies.map((b) => b.subarray(21, 86).toString('hex'))).size).toBe(300);
    expect(bodies.map((b) => decryptAes128gcm(b, secrets).toString())).toEqual(Array.from({ length: 300 }, (_, i) => `push ${i}`));
  });

  it('on the worker threads: every body decrypts, bad keys are refused', async () => {
    const bodies = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.encrypt(publicKey.toString('base64url'), auth.toString('base64url'), `push ${i}`)));
    expect(bodies.map((b) => decryptAes128gcm(b, secrets).toString())).toEqual(Array.from({ length: 50 }, (_, i) => `push ${i}`));
    await expect(pool.encrypt('AAAA', auth.toString('base64url'), 'x')).rejects.toThrow(/P-256/);
  });

  it('a batch asked for in one turn travels in messages of at most 16 jobs, alternating between the threads', async () => {
    const p = new EncryptPool(2);
    try {
      const threads = (p as unknown as { workers: { w: { postMessage(jobs: unknown[]): void } }[] }).workers.map((s) => s.w);
      const sizes = threads.map((w) => {
        const seen: number[] = [];
        const post = w.postMessage.bind(w);
        w.postMessage = (jobs: unknown[]) => (seen.push(jobs.length), post(jobs));
        return seen;
      });
      const bodies = await Promise.all(Array.from({ length: 40 }, (_, i) => p.encrypt(publicKey.toString('base64url'), auth.toString('base64url'), `push ${i}`)));
      expect(bodies.map((b) => decryptAes128gcm(b, secrets).toString())).toEqual(Array.from({ length: 40 }, (_, i) => `push ${i}`));
      expect(sizes.flat().sort((x, y) => y - x)).toEqual([16, 16, 8]);
      expect(sizes.map((s) => s.length).sort()).toEqual([1, 2]);
    } finally {
      await p.close();
    }
  });
});

describe('retries come from the outcome type, not its text', () => {
  it('busy, failing or silent services are retried; what can never succeed is not', () => {
    expect(isRetryable({ status: 429 })).toBe(true);
    expect(isRetryable({ status: 503 })).toBe(true);
    expect(isRetryable({ status: 0, error: 'socket hang up', unanswered: true })).toBe(true);
    expect(isRetryable({ status: 0, error: 'cannot encrypt for this subscription: bad key' })).toBe(false);
    expect(isRetryable({ status: 0, error: 'retry me, I am a transient-sounding text' })).toBe(false);
    expect(isRetryable({ status: 400 })).toBe(false);
    expect(isRetryable({ status: 413 })).toBe(false);
  });
});

describe('a thread that dies', () => {
  it('loses no job: what it held is encrypted inline', async () => {
    const p = new EncryptPool(1);
    try {
      const jobs = Array.from({ length: 20 }, (_, i) => p.encrypt(publicKey.toString('base64url'), auth.toString('base64url'), `job ${i}`));
      // The jobs are posted on the next turn of the event loop; kill the thread right after.
      await new Promise((r) => setImmediate(r));
      await (p as unknown as { workers: { w: { terminate(): Promise<number> } }[] }).workers[0]!.w.terminate();
      const bodies = await Promise.all(jobs);
      expect(bodies.map((b) => decryptAes128gcm(b, secrets).toString())).toEqual(Array.from({ length: 20 }, (_, i) => `job ${i}`));
    } finally {
      await p.close();
    }
  });
});
