/**
 * Do-not-disturb math (SPEC 1.3, 1.7): the daily window and the weekly schedule in the user's
 * zone, the skip-once suspension of both, and one-off durations. Everything is evaluated on the
 * wall clock, so a 22:0-7:0 window means 22:00–07:00 local in winter and summer alike.
 */
import { inWindow } from './interval.ts';
import type { AppSettings, ConversationSettings, QuietReason, ScheduleEntry } from './model.ts';
import { type CompiledEntry, compileSchedule, coveringEntry, entryBoundaries, entryCovers, weekdayOfDay } from './schedule.ts';
import { instantsOfLocalTime, localDayNumber, localMinuteOfDay, offsetMinutes, offsetTransitions } from './time-zone.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
/*
 * appWallQuiet runs once per recipient of a group message. Run through tsx (the server) every
 * imported binding is read through a getter on each use, so the hot path uses local copies.
 */
const MINUTES_PER_DAY = 1440;
const offsetAt = offsetMinutes;
const windowCovers = inWindow;
const firstCovering = coveringEntry;
const weekdayOf = weekdayOfDay;
/** A regime (a stretch with no duration or skip expiring) that shows no flip for this long never flips. */
const STABLE_AFTER = 15 * DAY;
/** Upper bound on the chunks of one walk (a day each): a few regimes of STABLE_AFTER. */
const MAX_CHUNKS = 80;
/**
 * The last instant the walk looks at: Dates end at 8.64e15 ms and the walk reads days past an
 * instant. An expiry beyond it never ends (#12).
 */
const LAST_INSTANT = 8.64e15 - 4 * DAY;

/** Which setting keeps the user quiet, so the UI can name it ("weeknights", "daily 22:00–07:00"). */
export type QuietRule =
  | { readonly kind: 'duration' }
  | { readonly kind: 'window' }
  | { readonly kind: 'schedule'; readonly entryIndex: number }
  | { readonly kind: 'conversation' };

export interface QuietStatus {
  readonly quiet: boolean;
  /** The first active reason: app duration, then app window or schedule, then the conversation's duration. */
  readonly reason: QuietReason | null;
  /** Every active reason. */
  readonly reasons: readonly QuietReason[];
  /** The first rule in force, in the order of `reason` (window before schedule entries). */
  readonly rule: QuietRule | null;
  /** Every rule in force. */
  readonly rules: readonly QuietRule[];
  /** When quiet: the first instant that is not quiet; null if it never ends (all-day window). */
  readonly quietUntil: number | null;
  /** The next instant at which `quiet` flips; null if it never does. */
  readonly nextChange: number | null;
}

const NO_ENTRIES: readonly CompiledEntry[] = Object.freeze([]);
const compiled = new WeakMap<readonly ScheduleEntry[], readonly CompiledEntry[]>();

/** The app's schedule compiled to day masks, cached per schedule array (settings objects are immutable). */
export function compiledScheduleOf(app: AppSettings): readonly CompiledEntry[] {
  const s = app.quietSchedule;
  if (s === undefined || s.length === 0) return NO_ENTRIES;
  let c = compiled.get(s);
  if (!c) {
    c = compileSchedule(s);
    compiled.set(s, c);
  }
  return c;
}

/** True while the app-level daily window covers instant `t` (the window alone: no schedule, no skip). */
export function appWindowActive(app: AppSettings, t: number): boolean {
  return app.window !== null && inWindow(app.window, localMinuteOfDay(t, app.timeZone));
}

/** True while skip-once suspends the window and the schedule at `t`. */
export function windowSkipped(app: AppSettings, t: number): boolean {
  return app.windowSkipUntil !== undefined && app.windowSkipUntil > t;
}

function hasWallRules(app: AppSettings): boolean {
  return app.window !== null || (app.quietSchedule !== undefined && app.quietSchedule.length > 0);
}

/** Index of the schedule entry covering `t` (ignoring skip-once), or -1. */
export function activeScheduleEntry(app: AppSettings, t: number): number {
  const entries = compiledScheduleOf(app);
  if (entries.length === 0) return -1;
  const local = Math.floor(t / MINUTE) + offsetMinutes(t, app.timeZone);
  const day = Math.floor(local / MINUTES_PER_DAY);
  return coveringEntry(entries, weekdayOfDay(day), local - day * MINUTES_PER_DAY);
}

/**
 * SPEC 1.8 step 5's "app window or weekly schedule (unless skipped once)": true while either
 * keeps the user quiet at `t`. Costs one cached offset lookup when a rule is set, nothing otherwise.
 */
export function appWallQuiet(app: AppSettings, t: number): boolean {
  const w = app.window;
  const s = app.quietSchedule;
  const noSchedule = s === undefined || s.length === 0;
  if (w === null && noSchedule) return false;
  if (app.windowSkipUntil !== undefined && app.windowSkipUntil > t) return false;
  const local = Math.floor(t / MINUTE) + offsetAt(t, app.timeZone);
  const day = Math.floor(local / MINUTES_PER_DAY);
  const minute = local - day * MINUTES_PER_DAY;
  if (w !== null && windowCovers(w, minute)) return true;
  if (noSchedule) return false;
  return firstCovering(compiledScheduleOf(app), weekdayOf(day), minute) >= 0;
}

/** Every rule keeping the user quiet at `t`, in reporting order. */
export function quietRules(app: AppSettings, conversation: ConversationSettings | undefined, t: number): QuietRule[] {
  const out: QuietRule[] = [];
  if (app.durationUntil > t) out.push({ kind: 'duration' });
  if (hasWallRules(app) && !windowSkipped(app, t)) {
    if (appWindowActive(app, t)) out.push({ kind: 'window' });
    const entries = compiledScheduleOf(app);
    if (entries.length > 0) {
      const local = Math.floor(t / MINUTE) + offsetMinutes(t, app.timeZone);
      const day = Math.floor(local / MINUTES_PER_DAY);
      const weekday = weekdayOfDay(day);
      const minute = local - day * MINUTES_PER_DAY;
      entries.forEach((e, entryIndex) => {
        if (entryCovers(e, weekday, minute)) out.push({ kind: 'schedule', entryIndex });
      });
    }
  }
  if (conversation && conversation.durationUntil > t) out.push({ kind: 'conversation' });
  return out;
}

const REASON_OF: Readonly<Record<QuietRule['kind'], QuietReason>> = {
  duration: 'DND_APP_DURATION',
  window: 'DND_APP_WINDOW',
  schedule: 'DND_APP_WINDOW',
  conversation: 'DND_CONVERSATION',
};

/** Every do-not-disturb reason active at `t`, in reporting order. */
export function quietReasons(app: AppSettings, conversation: ConversationSettings | undefined, t: number): QuietReason[] {
  const out: QuietReason[] = [];
  if (app.durationUntil > t) out.push('DND_APP_DURATION');
  if (appWallQuiet(app, t)) out.push('DND_APP_WINDOW');
  if (conversation && conversation.durationUntil > t) out.push('DND_CONVERSATION');
  return out;
}

/** Is anyone asking about this app (and optionally this conversation) quiet at `t`? */
export function isQuiet(app: AppSettings, conversation: ConversationSettings | undefined, t: number): boolean {
  return (
    app.durationUntil > t ||
    (conversation !== undefined && conversation.durationUntil > t) ||
    appWallQuiet(app, t)
  );
}

/**
 * The instants in (from, to] at which quiet status could flip: expiries, every instant the local
 * clock reads a window or schedule boundary, and the zone's offset changes (a clock that jumps
 * over a boundary crosses it at the jump). Sorted, without repeats.
 */
function chunkCandidates(app: AppSettings, expiries: readonly number[], from: number, to: number): number[] {
  const out = new Set<number>();
  for (const e of expiries) if (e > from && e <= to) out.add(e);
  const zone = app.timeZone;
  const w = app.window !== null && app.window.start !== app.window.end ? app.window : null;
  const entries = compiledScheduleOf(app);
  if (w !== null || entries.length > 0) {
    const firstDay = localDayNumber(from, zone) - 1;
    const lastDay = localDayNumber(to, zone) + 1;
    for (let day = firstDay; day <= lastDay; day++) {
      const minutes = new Set<number>();
      if (w !== null) minutes.add(w.start).add(w.end);
      const weekday = weekdayOfDay(day);
      for (const e of entries) for (const m of entryBoundaries(e, weekday)) minutes.add(m);
      for (const minute of minutes) {
        for (const instant of instantsOfLocalTime(day, minute, zone)) if (instant > from && instant <= to) out.add(instant);
      }
    }
    for (const tr of offsetTransitions(from, to, zone)) out.add(tr);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * The next instant after `t` at which quiet status flips, or null if it never does.
 * Walks a day at a time; a stretch without expiries that shows no flip for 15 days (two weeks:
 * an entry lost in a DST gap comes back the week after) never flips, so the walk jumps to the
 * next expiry. Bounded however far away an expiry is; one past the last date never ends.
 */
export function nextQuietChange(app: AppSettings, conversation: ConversationSettings | undefined, t: number): number | null {
  const q0 = isQuiet(app, conversation, t);
  // An expiry past the end of time never ends, so it changes nothing (#12).
  const expiries = [...new Set([app.durationUntil, conversation?.durationUntil ?? 0, app.windowSkipUntil ?? 0])]
    .filter((e) => e > t && e <= LAST_INSTANT)
    .sort((a, b) => a - b);
  const flipsAt = (e: number) => isQuiet(app, conversation, e) !== q0;
  if (!hasWallRules(app)) return expiries.find(flipsAt) ?? null;
  let from = t;
  let regimeStart = t;
  for (let chunk = 0; chunk < MAX_CHUNKS; chunk++) {
    if (from - regimeStart >= STABLE_AFTER || from + DAY > LAST_INSTANT) {
      const next = expiries.find((e) => e > from);
      if (next === undefined) return null;
      if (flipsAt(next)) return next;
      from = next;
      regimeStart = next;
      continue;
    }
    const to = from + DAY;
    for (const c of chunkCandidates(app, expiries, from, to)) if (isQuiet(app, conversation, c) !== q0) return c;
    for (const e of expiries) if (e > from && e <= to) regimeStart = e;
    from = to;
  }
  return null;
}

/** Full status at `t`: whether quiet, why, which rule, until when, and when to look again. */
export function quietStatus(app: AppSettings, conversation: ConversationSettings | undefined, t: number): QuietStatus {
  const rules = quietRules(app, conversation, t);
  const reasons = [...new Set(rules.map((r) => REASON_OF[r.kind]))];
  const quiet = rules.length > 0;
  const nextChange = nextQuietChange(app, conversation, t);
  return { quiet, reason: reasons[0] ?? null, reasons, rule: rules[0] ?? null, rules, quietUntil: quiet ? nextChange : null, nextChange };
}
