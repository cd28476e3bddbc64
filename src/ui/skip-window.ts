/** "Not tonight" (SPEC 1.7 `windowSkipUntil`): what to skip, when the server supports it. */
import { quietStatus } from '../core/index.ts';
import type { StatusView } from '../shared/protocol.ts';
import { hasWallRules, nextWindowStart, wallOnly } from '../shared/quiet-view.ts';

const DAY = 24 * 3_600_000;

/**
 * The instant to skip the daily window and the schedule until — the end of tonight's quiet
 * hours, whether they are on now or start within 24 h — or null when there is nothing to skip
 * or the server cannot.
 */
export function skipTarget(status: StatusView, now: number): number | null {
  const app = status.app;
  if (status.windowSkipUntil === null || !app || !hasWallRules(app)) return null;
  const clock = wallOnly(app);
  const inWindow = quietStatus(clock, undefined, now);
  const start = inWindow.quiet ? now : nextWindowStart(app, now);
  if (start === null || start - now > DAY) return null;
  const end = inWindow.quiet ? inWindow.quietUntil : quietStatus(clock, undefined, start).quietUntil;
  if (end === null) return null;
  return Math.min(end, now + DAY);
}
