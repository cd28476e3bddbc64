/**
 * The weekly schedule as spans per weekday, for the week strip: an entry belongs to the day it
 * starts (SPEC 1.7), and one that runs past midnight is drawn on into the next day.
 */
import { MINUTES_PER_DAY, type ScheduleEntry, DAYS } from '../core/index.ts';

export interface DaySpan {
  /** Minutes of the day, from inclusive to exclusive (to ≤ 1440). */
  readonly from: number;
  readonly to: number;
  readonly entryIndex: number;
  /** The part after midnight of an entry that started the day before. */
  readonly carried: boolean;
}

/** Spans of each weekday (index 0 = Monday), sorted by start. */
export function weekSpans(entries: readonly ScheduleEntry[]): DaySpan[][] {
  const days: DaySpan[][] = DAYS.map(() => []);
  entries.forEach((e, entryIndex) => {
    const { start, end } = e.interval;
    for (const d of e.days) {
      const i = DAYS.indexOf(d);
      if (i < 0) continue;
      if (end > start) {
        days[i]!.push({ from: start, to: end, entryIndex, carried: false });
        continue;
      }
      // end <= start runs into the next day (start = end: 24 hours).
      days[i]!.push({ from: start, to: MINUTES_PER_DAY, entryIndex, carried: false });
      if (end > 0) days[(i + 1) % 7]!.push({ from: 0, to: end, entryIndex, carried: true });
    }
  });
  for (const d of days) d.sort((a, b) => a.from - b.from || a.to - b.to);
  return days;
}

/** Merged quiet ranges of one day (overlaps joined), for a day's summary line. */
export function mergedRanges(spans: readonly DaySpan[]): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (const s of [...spans].sort((a, b) => a.from - b.from)) {
    const last = out.at(-1);
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ from: s.from, to: s.to });
  }
  return out;
}
