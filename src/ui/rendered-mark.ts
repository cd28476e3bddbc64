/**
 * A performance mark set once per page when its main view is first on screen (the popup: the
 * status, from the cache). B5 (test/bench/popup-open.bench.ts) reads its startTime, which counts
 * from the page's navigation start.
 */
export const RENDERED_MARK = 'impc-rendered';

let marked = false;

/** Sets the mark the first time it is called on this page; later calls do nothing. */
export function markRendered(): void {
  if (marked) return;
  marked = true;
  performance.mark(RENDERED_MARK);
}
