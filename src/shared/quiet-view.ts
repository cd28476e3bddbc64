/**
 * Quiet status as the extension shows it: core's `quietStatus` with "not tonight"
 * (`windowSkipUntil`, SPEC 1.7: the window and the schedule are off until then) as the server
 * last said or as the user just asked, and a next change that also falls when a pause ends
 * inside quiet hours, so the badge's cause is recomputed the moment it changes.
 */
import { type AppSettings, quietStatus, type QuietStatus } from '../core/index.ts';

export interface EffectiveQuiet {
  /** The settings as they act now (with the skip in force). */
  readonly app: AppSettings;
  readonly status: QuietStatus;
  /** When the shown state may change next; null = not by itself. */
  readonly nextChange: number | null;
}

const earliest = (...xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.min(...v) : null;
};

/** The quiet status at `now` with a skipped window and the pause end taken into account. */
export function effectiveQuiet(stored: AppSettings, windowSkipUntil: number, now: number): EffectiveQuiet {
  const skipping = windowSkipUntil > now && hasWallRules(stored);
  const app: AppSettings = { ...stored, windowSkipUntil: windowSkipUntil > now ? windowSkipUntil : 0 };
  const status = quietStatus(app, undefined, now);
  const pauseEnd = app.durationUntil > now ? app.durationUntil : null;
  return { app, status, nextChange: earliest(status.nextChange, pauseEnd, skipping ? windowSkipUntil : null) };
}

/** Does the user have quiet hours on the clock (a daily window or a schedule)? */
export function hasWallRules(app: AppSettings): boolean {
  return (app.window !== null && app.window.start !== app.window.end) || (app.quietSchedule?.length ?? 0) > 0;
}

/** The settings with only the clock rules (window, schedule) in force: no pause, no skip. */
export function wallOnly(app: AppSettings): AppSettings {
  return { ...app, durationUntil: 0, windowSkipUntil: 0 };
}

/**
 * When quiet hours (daily window or schedule) next start, if they are not in force now: within
 * 25 h. Null when there are none.
 */
export function nextWindowStart(app: AppSettings, now: number): number | null {
  if (!hasWallRules(app)) return null;
  const s = quietStatus(wallOnly(app), undefined, now);
  if (s.quiet) return null;
  return s.nextChange !== null && s.nextChange - now <= 25 * 3_600_000 ? s.nextChange : null;
}
