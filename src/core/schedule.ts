/**
 * The weekly quiet schedule (SPEC 1.7) on the wall clock: an entry belongs to the day it starts,
 * so `fri 22:0-7:0` is quiet from Friday 22:00 to Saturday 07:00 local time.
 *
 * Like the daily window, an entry is a pure function of the local wall time (weekday, minute):
 * a start that falls in a DST gap therefore begins when the clock jumps past it, and an hour
 * the clock repeats is judged by what the clock reads each time.
 */
import { DAYS, type Day, type ScheduleEntry } from './model.ts';

/** An entry reduced to bit masks of weekdays (bit 0 = Monday). */
export interface CompiledEntry {
  readonly start: number;
  readonly end: number;
  /** Days on which the entry starts. */
  readonly startMask: number;
  /** Days whose early hours it covers (the day after each start day), for entries with end <= start. */
  readonly carryMask: number;
}

const DAY_BIT: Readonly<Record<Day, number>> = Object.fromEntries(DAYS.map((d, i) => [d, 1 << i])) as Record<Day, number>;

/** Weekday index (0 = Monday … 6 = Sunday) of local day number `day` (days since 1970-01-01, a Thursday). */
export function weekdayOfDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Precomputes day masks, so checking an entry costs a few integer operations. */
export function compileSchedule(entries: readonly ScheduleEntry[]): CompiledEntry[] {
  return entries.map((e) => {
    let startMask = 0;
    for (const d of e.days) startMask |= DAY_BIT[d];
    const carryMask = e.interval.end <= e.interval.start ? ((startMask << 1) | (startMask >> 6)) & 0x7f : 0;
    return { start: e.interval.start, end: e.interval.end, startMask, carryMask };
  });
}

/** Is wall time (weekday, minute) inside the entry? */
export function entryCovers(e: CompiledEntry, weekday: number, minute: number): boolean {
  const bit = 1 << weekday;
  if (e.end > e.start) return (e.startMask & bit) !== 0 && minute >= e.start && minute < e.end;
  return ((e.startMask & bit) !== 0 && minute >= e.start) || ((e.carryMask & bit) !== 0 && minute < e.end);
}

/** Index of the first entry covering the wall time, or -1. */
export function coveringEntry(entries: readonly CompiledEntry[], weekday: number, minute: number): number {
  for (let i = 0; i < entries.length; i++) if (entryCovers(entries[i]!, weekday, minute)) return i;
  return -1;
}

/**
 * The wall-clock minutes at which an entry may begin or end on local day `weekday`: its start
 * when it starts that day, its end when it ends that day.
 */
export function entryBoundaries(e: CompiledEntry, weekday: number): number[] {
  const bit = 1 << weekday;
  const out: number[] = [];
  if (e.startMask & bit) out.push(e.start);
  const endsToday = e.end > e.start ? (e.startMask & bit) !== 0 : (e.carryMask & bit) !== 0;
  if (endsToday) out.push(e.end);
  return out;
}
