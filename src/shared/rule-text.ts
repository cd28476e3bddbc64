/**
 * Names of the do-not-disturb rules as people read them: the presets ("weeknights",
 * "weekends"), a schedule entry ("Mon–Thu 22:00–07:00"), the daily window. Shared by the badge
 * tooltip, the popup and the options page, so they all say the same thing.
 */
import { type AppSettings, DAYS, type Day, type QuietRule, type ScheduleEntry } from '../core/index.ts';
import { t, uiLanguage } from './i18n.ts';
import { formatClockRange } from './time-format.ts';

export type PresetName = 'weeknights' | 'weekends';

/** The schedule presets of SPEC 1.7's example: weeknights and all weekend. */
export const PRESETS: Readonly<Record<PresetName, ScheduleEntry>> = {
  weeknights: { days: ['mon', 'tue', 'wed', 'thu'], interval: { start: 22 * 60, end: 7 * 60 } },
  weekends: { days: ['sat', 'sun'], interval: { start: 0, end: 0 } },
};

const sameDays = (a: readonly Day[], b: readonly Day[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Which preset an entry is, if it is one exactly. */
export function presetOf(e: ScheduleEntry): PresetName | null {
  for (const name of Object.keys(PRESETS) as PresetName[]) {
    const p = PRESETS[name];
    if (sameDays(e.days, p.days) && e.interval.start === p.interval.start && e.interval.end === p.interval.end) return name;
  }
  return null;
}

/** A weekday's short name in the UI language ("Mon", "周一"); 0 = Monday. */
export function dayName(index: number, style: 'short' | 'long' = 'short', locale?: string): string {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(locale ?? uiLanguage(), { weekday: style, timeZone: 'UTC' }).format(Date.UTC(2024, 0, 1 + index));
}

/** Days as runs: "Mon–Thu", "Sat, Sun", "Mon, Wed–Fri". */
export function daysText(days: readonly Day[], locale?: string): string {
  const idx = [...new Set(days.map((d) => DAYS.indexOf(d)))].filter((i) => i >= 0).sort((a, b) => a - b);
  if (idx.length === 7) return t('commonRuleEveryDay');
  const runs: [number, number][] = [];
  for (const i of idx) {
    const last = runs.at(-1);
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  }
  return runs
    .map(([a, b]) => (b - a >= 2 ? `${dayName(a, 'short', locale)}–${dayName(b, 'short', locale)}` : a === b ? dayName(a, 'short', locale) : `${dayName(a, 'short', locale)}, ${dayName(b, 'short', locale)}`))
    .join(', ');
}

/** An entry for people: the preset's name, else "Mon–Thu 22:00–07:00" (all day when start = end). */
export function entryText(e: ScheduleEntry, locale?: string): string {
  const preset = presetOf(e);
  if (preset) return t(preset === 'weeknights' ? 'commonRulePresetWeeknights' : 'commonRulePresetWeekends');
  const span = e.interval.start === e.interval.end && e.interval.start === 0 ? t('commonRuleAllDay') : formatClockRange(e.interval.start, e.interval.end, locale);
  return `${daysText(e.days, locale)} ${span}`;
}

/** The rule in force as a short phrase ("weeknights", "daily 22:00–07:00", "pause"); "" when none. */
export function ruleText(app: AppSettings, rule: QuietRule | null): string {
  if (!rule) return '';
  if (rule.kind === 'schedule') {
    const e = app.quietSchedule?.[rule.entryIndex];
    return e ? entryText(e) : '';
  }
  if (rule.kind === 'window' && app.window) return t('commonRuleDailyWindow', formatClockRange(app.window.start, app.window.end));
  if (rule.kind === 'duration') return t('commonRulePause');
  return '';
}
