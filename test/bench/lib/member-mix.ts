/**
 * The member mix the group benchmarks share (B2, B2-pg, B8): which members have app settings,
 * a quiet window, a pause, a conversation setting, a Web Push binding or a stream. Quiet windows
 * are placed around the time of the run in each member's zone, so the same members are in quiet
 * hours whatever the hour: a fixed "22:00–07:00" held New York's members before 12:00 UTC and
 * pushed them after, and B8 went from 2,667 to 3,112 pushes with the clock.
 */

/** Time zones of members with app settings, by member index. */
export const ZONES = ['Europe/Paris', 'Asia/Shanghai', 'America/New_York', ''] as const;

/** A member's app settings row, or undefined: [type, window start, window end, paused until, zone]. */
export type AppMix = [type: 'ALL' | 'AT' | 'NONE', start: number | null, end: number | null, until: number, zone: string];

/** Minute of the day at `now` in `zone` ('' = UTC, the servers' default zone in the benchmarks). */
function minuteOfDay(zone: string, now: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone || 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/**
 * Nine quiet hours holding `now` in `zone`, from an hour before to eight after: a night's length,
 * and a run of a few minutes stays inside it.
 */
export function quietAround(zone: string, now: number): { start: number; end: number } {
  const m = minuteOfDay(zone, now);
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
