/**
 * Do-not-disturb math (SPEC 1.3): the daily window in the user's zone plus one-off durations.
 * Everything is evaluated on the wall clock, so a 22:0-7:0 window means 22:00–07:00 local in
 * winter and summer alike.
 */
import { inWindow } from './interval.ts';
import type { AppSettings, ConversationSettings, QuietReason } from './model.ts';
import { instantsOfLocalTime, localDayNumber, localMinuteOfDay, offsetTransitions } from './time-zone.ts';

const DAY = 86_400_000;
/** The last instant the walk looks at: Dates end at 8.64e15 ms, and the walk reads a day past it. */
const LAST_INSTANT = 8.64e15 - 4 * DAY;

export interface QuietStatus {
  readonly quiet: boolean;
  /** The first active reason: app duration, then app window, then the conversation's duration. */
  readonly reason: QuietReason | null;
  /** Every active reason. */
  readonly reasons: readonly QuietReason[];
  /** When quiet: the first instant that is not quiet; null if it never ends (all-day window). */
  readonly quietUntil: number | null;
  /** The next instant at which `quiet` flips; null if it never does. */
  readonly nextChange: number | null;
}

/** True while the app-level daily window covers instant `t`. */
export function appWindowActive(app: AppSettings, t: number): boolean {
  return app.window !== null && inWindow(app.window, localMinuteOfDay(t, app.timeZone));
}

/** Every do-not-disturb reason active at `t`, in reporting order. */
export function quietReasons(app: AppSettings, conversation: ConversationSettings | undefined, t: number): QuietReason[] {
  const out: QuietReason[] = [];
  if (app.durationUntil > t) out.push('DND_APP_DURATION');
  if (appWindowActive(app, t)) out.push('DND_APP_WINDOW');
  if (conversation && conversation.durationUntil > t) out.push('DND_CONVERSATION');
  return out;
}

/** Is anyone asking about this app (and optionally this conversation) quiet at `t`? */
export function isQuiet(app: AppSettings, conversation: ConversationSettings | undefined, t: number): boolean {
  return (
    app.durationUntil > t ||
    (conversation !== undefined && conversation.durationUntil > t) ||
    appWindowActive(app, t)
  );
}

/**
 * The instants after `t` at which quiet status could flip: duration expiries, every instant the
 * local clock reads the window's start or end, and the zone's offset changes.
 */
function candidateInstants(app: AppSettings, conversation: ConversationSettings | undefined, t: number): number[] {
  const out: number[] = [];
  // An expiry past the end of time never ends; Intl would throw on it (#12).
  const durations = [app.durationUntil, conversation?.durationUntil ?? 0].filter((d) => d > t && d <= LAST_INSTANT);
  out.push(...durations);
  // Active durations keep quiet on without a break until the last one ends, so the window can
  // only flip it from then on: walk a few days from there, however far that is (#12).
  const from = Math.max(t, ...durations);
  const horizon = from + 2 * DAY;
  const w = app.window;
  if (w && w.start !== w.end && horizon <= LAST_INSTANT) {
    const firstDay = localDayNumber(from, app.timeZone) - 1;
    const lastDay = localDayNumber(horizon, app.timeZone) + 1;
    for (let day = firstDay; day <= lastDay; day++) {
      for (const minute of [w.start, w.end]) {
        for (const instant of instantsOfLocalTime(day, minute, app.timeZone)) if (instant > t) out.push(instant);
      }
    }
    out.push(...offsetTransitions(from, horizon, app.timeZone));
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The next instant after `t` at which quiet status flips, or null if it never does. */
export function nextQuietChange(app: AppSettings, conversation: ConversationSettings | undefined, t: number): number | null {
  const now = isQuiet(app, conversation, t);
  for (const c of candidateInstants(app, conversation, t)) {
    if (isQuiet(app, conversation, c) !== now) return c;
  }
  return null;
}

/** Full status at `t`: whether quiet, why, until when, and when to look again. */
export function quietStatus(app: AppSettings, conversation: ConversationSettings | undefined, t: number): QuietStatus {
  const reasons = quietReasons(app, conversation, t);
  const quiet = reasons.length > 0;
  const nextChange = nextQuietChange(app, conversation, t);
  return { quiet, reason: reasons[0] ?? null, reasons, quietUntil: quiet ? nextChange : null, nextChange };
}
