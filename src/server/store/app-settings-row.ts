/**
 * App settings as both engines store them: the reference's fields in columns, and the settings
 * of SPEC 1.7 as one JSON text column (`rules`, '' when all are at their defaults) in their wire
 * form, read back through the same core schemas as a request body, so a bad stored value falls
 * back to its default instead of reaching the decision.
 */
import { type AppSettings, parseAppSettingsBody, scheduleToWire } from '../../core/index.ts';
import { appSettingsFromRow, type StoredAppRow } from './stored-checks.ts';

const NONE: readonly never[] = Object.freeze([]);

interface Rules {
  quietSchedule: AppSettings['quietSchedule'];
  windowSkipUntil: number;
  prioritySenders: AppSettings['prioritySenders'];
  keywords: AppSettings['keywords'];
  summary: boolean;
}

const DEFAULT_RULES: Rules = Object.freeze({ quietSchedule: NONE, windowSkipUntil: 0, prioritySenders: NONE, keywords: NONE, summary: false });

/** Parsed `rules` texts: a big group's members mostly share a handful (usually ''). */
const parsed = new Map<string, Rules>();

/** The 1.7 settings from their column; unreadable parts read as defaults (`warn` hears why). */
export function rulesFromColumn(text: string, warn?: (why: string) => void): Rules {
  if (text === '') return DEFAULT_RULES;
  const hit = parsed.get(text);
  if (hit) return hit;
  let rules = DEFAULT_RULES;
  try {
    const r = parseAppSettingsBody(JSON.parse(text));
    if (r.ok) {
      const p = r.value;
      rules = {
        quietSchedule: p.quietSchedule ?? NONE,
        windowSkipUntil: p.windowSkipUntil ?? 0,
        prioritySenders: p.prioritySenders ?? NONE,
        keywords: p.keywords ?? NONE,
        summary: p.summary ?? false,
      };
    } else warn?.(`app_settings.rules does not fit the settings schema (${r.errors.map((e) => e.field).join(', ')}); using the defaults`);
  } catch {
    warn?.('app_settings.rules is not JSON; using the defaults');
  }
  if (parsed.size > 10_000) parsed.clear();
  parsed.set(text, rules);
  return rules;
}

/** The column text for these settings: '' when every 1.7 setting is at its default. */
export function rulesToColumn(s: AppSettings): string {
  const out: Record<string, unknown> = {};
  if (s.quietSchedule?.length) out.quietSchedule = scheduleToWire(s.quietSchedule);
  if (s.windowSkipUntil) out.windowSkipUntil = s.windowSkipUntil;
  if (s.prioritySenders?.length) out.prioritySenders = s.prioritySenders;
  if (s.keywords?.length) out.keywords = s.keywords;
  if (s.summary) out.summary = true;
  return Object.keys(out).length ? JSON.stringify(out) : '';
}

/**
 * AppSettings from a stored row: each bad column reads as its default (with a warning, see
 * stored-checks.ts), the 1.7 fields from `rules`. Built as ONE literal with every field in the
 * order of DEFAULT_APP_SETTINGS: objects of one shape keep the decision's property reads monomorphic.
 */
export function appSettingsOf(row: StoredAppRow & { rules: unknown }, defaultZone: string): AppSettings {
  const base = appSettingsFromRow(row, defaultZone);
  const r = rulesFromColumn(typeof row.rules === 'string' ? row.rules : '', (why) => process.emitWarning(`app_settings "${row.username}": ${why}`, { code: 'IMPC_STORED_DATA' }));
  return {
    type: base.type,
    window: base.window,
    durationUntil: base.durationUntil,
    timeZone: base.timeZone,
    quietSchedule: r.quietSchedule,
    windowSkipUntil: r.windowSkipUntil,
    prioritySenders: r.prioritySenders,
    keywords: r.keywords,
    summary: r.summary,
  };
}

/** The settings of a user without a row. */
export function defaultAppSettings(defaultZone: string): AppSettings {
  return appSettingsOf({ username: '', type: 'ALL', window_start: null, window_end: null, duration_until: 0, time_zone: '', rules: '' }, defaultZone);
}
