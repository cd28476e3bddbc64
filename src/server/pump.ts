import { within } from './within.ts';
/**
 * A background pass over a durable queue, run on a timer: one pass at a time (a wake-up during
 * a pass runs another as soon as it ends), each pass says when to look again (undefined: only
 * when woken), and a pass that throws is reported and tried again after the delay `onError` gives.
 * The delivery worker, the summary scheduler and the jobs worker each run one.
 */
export class Pump {
  private timer: NodeJS.Timeout | undefined;
  private halted: boolean;
  /** Ends when the pass in progress ends (undefined between passes). */
  private current: Promise<void> | undefined;
  /** Work a pass started that outlives it (requests, jobs): `haltAndSettle` waits for it too. */
  private readonly work = new Set<Promise<unknown>>();
  private again = false;

  constructor(
    private readonly pass: () => Promise<number | undefined>,
    private readonly onError: (err: unknown) => number,
    opts: { startHalted?: boolean } = {},
  ) {
    this.halted = opts.startHalted ?? true;
  }

  /** True once halted (and before the first start, unless built running). */
  get stopped(): boolean {
    return this.halted;
  }

  /** True while a pass runs. */
  get running(): boolean {
    return this.current !== undefined;
  }

  start(): void {
    this.halted = false;
    this.schedule(0);
  }

  /** Runs a pass now (or right after the one in progress). */
  kick(): void {
    if (this.halted) return;
    // During a pass: a timer would be replaced by the pass's own next wake-up if the pass ended
    // before it fired, and the wake-up would wait for the poll. The pass looks again when it ends.
    if (this.current) this.again = true;
    else this.schedule(0);
  }

  /** No more passes; the one in progress (see `running`) finishes. */
  halt(): void {
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Counts `p` as this pump's work until it settles, so `haltAndSettle` waits for it. Returns a
   * promise that settles like `p`: a rejection is still the caller's to handle.
   */
  track<T>(p: Promise<T>): Promise<T> {
    this.work.add(p);
    return p.finally(() => this.work.delete(p));
  }

  /**
   * Halts, then waits for the pass in progress and the tracked work to end, but at most `ms`:
   * a hung request must not hold up shutdown (whatever it holds is released by its lease).
   */
  async haltAndSettle(ms = 2000): Promise<void> {
    this.halt();
    await within(this.settled(), ms);
  }

  /** Resolves once no pass runs and no tracked work is left. */
  private async settled(): Promise<void> {
    // A pass still running may start more work before it ends: look again until none is left.
    while (this.current || this.work.size > 0) await Promise.allSettled([this.current, ...this.work]);
  }

  /** Looks again in `ms` (replacing any earlier wake-up). */
  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), ms);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.halted) return;
    if (this.current) {
      this.again = true;
      return;
    }
    let ended!: () => void;
    this.current = new Promise((resolve) => (ended = resolve));
    this.again = false;
    let next: number | undefined;
    let failed = false;
    try {
      next = await this.pass();
    } catch (err) {
      failed = true;
      next = this.onError(err);
    } finally {
      this.current = undefined;
      ended();
    }
    if (this.halted) return;
    if (!failed && this.again) this.schedule(0);
    else if (next !== undefined) this.schedule(next);
  }
}
