/**
 * At most `max` tasks at once and at most `queueLimit` waiting: past that, `run` refuses at once
 * (the caller answers 429) instead of letting a queue of sign-ins stall everyone behind it.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number, readonly queueLimit: number) {}

  /** Runs `fn` when a slot is free; undefined (nothing run) when the queue is full. */
  run<T>(fn: () => Promise<T>): Promise<T> | undefined {
    if (this.active >= this.max && this.waiting.length >= this.queueLimit) return undefined;
    return this.acquire().then(async () => {
      try {
        return await fn();
      } finally {
        this.active--;
        this.waiting.shift()?.();
      }
    });
  }

  private acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => {
      this.active++;
      resolve();
    }));
  }
}
