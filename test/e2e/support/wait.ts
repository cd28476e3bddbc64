/** Event-driven waiting for the browser tests: poll briefly until a condition holds or a deadline passes. */

export interface WaitOptions {
  /** Give up after this long; default 10 s. */
  readonly timeoutMs?: number;
  /** Pause between checks; default 100 ms. */
  readonly intervalMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` until it returns a value other than undefined/false, and returns that value.
 * On timeout it throws with `what` and the last value or error seen, so a failure says why.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  const interval = opts.intervalMs ?? 100;
  let last: unknown = undefined;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out waiting for ${what} (last: ${detail})`);
    }
    await sleep(interval);
  }
}

/**
 * Checks that `probe` stays falsy for `ms` (used for "no notification appears"): a bounded
 * observation window, not a timing assertion.
 */
export async function staysFalse(probe: () => Promise<boolean> | boolean, ms: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return false;
    await sleep(intervalMs);
  }
  return !(await probe());
}
