/** "Not tonight" (SPEC 1.7 `windowSkipUntil`): what to skip, when the server supports it. */
import { quietStatus } from '../core/index.ts';
import type { StatusView } from '../shared/protocol.ts';
import { nextWindowStart } from '../shared/quiet-view.ts';

const DAY = 24 * 3_600_000;

/**
 * The instant to skip the daily window until — the end of tonight's window, whether it is on
 * now or starts within 24 h — or null when there is nothing to skip or the server cannot.
 */
export function skipTarget(status: StatusView, now: number): number | null {
  const app = status.app;
  if (status.windowSkipUntil === null || !app?.window || app.window.start === app.window.end) return null;
  const windowOnly = { ...app, durationUntil: 0 };
  const inWindow = quietStatus(windowOnly, undefined, now);
  const start = inWindow.quiet ? now : nextWindowStart(app, now);
  if (start === null || start - now > DAY) return null;
  const end = inWindow.quiet ? inWindow.quietUntil : quietStatus(windowOnly, undefined, start).quietUntil;
  if (end === null) return null;
  return Math.min(end, now + DAY);
}
