/**
 * Counts failures per key in a fixed window that starts at the first failure: after `max` in
 * `windowMs`, the key is refused until the window ends (SPEC 7: sign-in guessing is slow).
 */
import { Lru } from './lru.ts';

interface Window {
  start: number;
  count: number;
}

export class FailureWindows {
  private readonly windows: Lru<string, Window>;

  constructor(private readonly max: number, private readonly windowMs: number, private readonly now: () => number, maxKeys = 100_000) {
    this.windows = new Lru(maxKeys);
  }

  /** Milliseconds until `key` may try again, or 0 when it may now. */
  blockedFor(key: string): number {
    const w = this.live(key);
    return w && w.count >= this.max ? w.start + this.windowMs - this.now() : 0;
  }

  fail(key: string): void {
    const w = this.live(key) ?? { start: this.now(), count: 0 };
    w.count++;
    this.windows.set(key, w);
  }

  private live(key: string): Window | undefined {
    const w = this.windows.get(key);
    if (w && this.now() - w.start >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }
}
