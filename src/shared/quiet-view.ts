/**
 * Quiet status as the extension shows it: core's `quietStatus`, plus what core does not model
 * yet — "not tonight" (`windowSkipUntil`, SPEC 1.7) switches the daily window off until then —
 * and a next change that also falls when a pause ends inside quiet hours, so the badge's cause
 * is recomputed the moment it changes.
 */
import { type AppSettings, quietStatus, type QuietStatus } from '../core/index.ts';

export interface EffectiveQuiet {
  /** The settings as they act now (window removed while skipped). */
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
  const skipping = windowSkipUntil > now && stored.window !== null;
  const app = skipping ? { ...stored, window: null } : stored;
  const status = quietStatus(app, undefined, now);
  const pauseEnd = app.durationUntil > now ? app.durationUntil : null;
  return { app, status, nextChange: earliest(status.nextChange, pauseEnd, skipping ? windowSkipUntil : null) };
}

/**
 * When the daily window next starts, if it is not in force now: the first minute boundary
 * within 24 h at which the window alone makes the user quiet. Null when there is no window.
 */
export function nextWindowStart(app: AppSettings, now: number): number | null {
  if (!app.window || app.window.start === app.window.end) return null;
  const windowOnly = { ...app, durationUntil: 0 };
  if (quietStatus(windowOnly, undefined, now).quiet) return null;
  const next = quietStatus(windowOnly, undefined, now).nextChange;
  return next !== null && next - now <= 25 * 3_600_000 ? next : null;
}
