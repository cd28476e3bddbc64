/**
 * A background pass over a durable queue, run on a timer: one pass at a time (a wake-up during
 * a pass runs another as soon as it ends), each pass says when to look again (undefined: only
 * when woken), and a pass that throws is reported and tried again after the delay `onError` gives.
 * The delivery worker, the summary scheduler and the jobs worker each run one.
 */
export class Pump {
  private timer: NodeJS.Timeout | undefined;
  private halted: boolean;
  private busy = false;
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
    return this.busy;
  }

  start(): void {
    this.halted = false;
    this.schedule(0);
  }

  /** Runs a pass now (or right after the one in progress). */
  kick(): void {
    if (!this.halted) this.schedule(0);
  }

  /** No more passes; the one in progress (see `running`) finishes. */
  halt(): void {
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Looks again in `ms` (replacing any earlier wake-up). */
  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), ms);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.halted) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.again = false;
    let next: number | undefined;
    let failed = false;
    try {
      next = await this.pass();
    } catch (err) {
      failed = true;
      next = this.onError(err);
    } finally {
      this.busy = false;
    }
    if (this.halted) return;
    if (!failed && this.again) this.schedule(0);
    else if (next !== undefined) this.schedule(next);
  }
}
