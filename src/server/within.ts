/**
 * Waits for `p`, but at most `ms`: true if it fulfilled in time, false if the time ran out first
 * (`p` goes on; its later rejection is handled here). A rejection in time is thrown. The timer is
 * cleared either way, so a bounded wait never holds the process open.
 */
export async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
