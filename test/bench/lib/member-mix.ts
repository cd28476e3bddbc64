/**
 * The app settings of the member mix the group benchmarks share (B2, B2-pg, B8): which members
 * have them, a quiet window or a pause (the rest of the mix, conversation settings, bindings and
 * devices, is written beside each seed). Quiet windows are placed around the time of the run in
 * each member's zone, so the same members are in quiet hours whatever the hour: a fixed
 * "22:00–07:00" held New York's members before 12:00 UTC and pushed them after, and B8 went from
 * 2,667 to 3,112 pushes with the clock.
 */
import { localMinuteOfDay } from '../../../src/core/index.ts';

/** Time zones of members with app settings, by member index. */
export const ZONES = ['Europe/Paris', 'Asia/Shanghai', 'America/New_York', ''] as const;

/** A member's app settings row, or undefined: [type, window start, window end, paused until, zone]. */
export type AppMix = [type: 'ALL' | 'AT' | 'NONE', start: number | null, end: number | null, until: number, zone: string];

/**
 * Nine quiet hours holding `now` in `zone`, from an hour before to eight after: a night's length,
 * and a run of a few minutes stays inside it.
 */
export function quietAround(zone: string, now: number): { start: number; end: number } {
  // '' is the servers' default zone in the benchmarks: UTC.
  const m = localMinuteOfDay(now, zone || 'UTC');
  return { start: (m - 60 + 1440) % 1440, end: (m + 480) % 1440 };
}

/**
 * Member i's app settings: every third member has some (remind type by index); every sixth a
 * quiet window holding `now`; every twelfth also a pause of an hour.
 */
export function appMix(i: number, now: number, windows: ReadonlyMap<string, { start: number; end: number }>): AppMix | undefined {
  if (i % 3 !== 0) return undefined;
  const zone = ZONES[i % 4]!;
  const w = i % 6 === 0 ? windows.get(zone) : undefined;
  return [(['ALL', 'AT', 'NONE'] as const)[i % 9 === 0 ? 1 : i % 2]!, w?.start ?? null, w?.end ?? null, i % 12 === 0 ? now + 3_600_000 : 0, zone];
}

/** The quiet window of every zone at `now`, computed once per seed. */
export function windowsAt(now: number): Map<string, { start: number; end: number }> {
  return new Map(ZONES.map((z) => [z, quietAround(z, now)]));
}
