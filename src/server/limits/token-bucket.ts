/** Token buckets per key (a token hash, a client address), bounded by an LRU. */
import { Lru } from './lru.ts';

export type Take = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets: Lru<string, Bucket>;

  /** `rate` tokens per second, at most `burst` saved up; `now` is the injected clock. */
  constructor(private readonly rate: number, private readonly burst: number, private readonly now: () => number, maxKeys = 100_000) {
    this.buckets = new Lru(maxKeys);
  }

  /** Whether `key` has a token now (nothing is taken): 0 when it may go now, else ms to wait. */
  waitFor(key: string): number {
    const b = this.buckets.get(key);
    if (!b) return 0;
    const tokens = Math.min(this.burst, b.tokens + (Math.max(0, this.now() - b.at) * this.rate) / 1000);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / this.rate);
  }

  /** Takes one token for `key`, or says how long until one is there. */
  take(key: string): Take {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (Math.max(0, now - b.at) * this.rate) / 1000);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - b.tokens) * 1000) / this.rate) };
  }
}
