/**
 * The toolbar badge (SPEC 5): quiet → "zZ" with "Quiet until …" tooltip, else "@" for AT,
 * "off" for NONE, or the offline count; "!" when signed out, expired or sync is failing.
 * Quiet status is computed with core's quietStatus in the settings' own zone (where the server
 * evaluates the window); the end of a pause is shown on the browser's clock, which is the one the
 * person reads. Rescheduled at nextChange.
 */
import type { AppSettings } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import { effectiveQuiet } from '../../shared/quiet-view.ts';
import { ruleText } from '../../shared/rule-text.ts';
import { formatClock, formatClockRange, formatMoment } from '../../shared/time-format.ts';
import type { Ctx } from './context.ts';
import type { KvValues, StoredSession } from './deps.ts';
import { getSession, isExpired } from './session.ts';

export const BADGE_ALARM = 'badge';

export interface BadgeInput {
  readonly session: StoredSession | undefined;
  readonly app: AppSettings | null;
  readonly syncFailing: string;
  readonly offlineCount: number;
  /** The browser's zone, for showing when a pause ends; the settings' zone when absent. */
  readonly viewZone?: string;
  /** "Not tonight": the daily window is skipped until then (0 = not skipped). */
  readonly windowSkipUntil?: number;
}

export interface Badge {
  readonly text: string;
  readonly title: string;
  readonly color: string;
  /** When the badge must be recomputed (quiet flips); null = only on the next change. */
  readonly nextChange: number | null;
}

const COLOR = { alert: '#dc2626', quiet: '#6b7280', normal: '#2563eb' } as const;

/**
 * The badge for the given state at `now` (pure apart from the string catalogue). The tooltip
 * names the one cause in force: a pause says when the pause ends (on the browser's clock),
 * daily quiet hours say when they end and which window it is (in the window's zone).
 */
export function computeBadge(input: BadgeInput, now: number): Badge {
  const { session } = input;
  if (!session) return { text: '!', title: t('bgBadgeSignedOut'), color: COLOR.alert, nextChange: null };
  if (isExpired(session, now)) return { text: '!', title: t('bgBadgeExpired'), color: COLOR.alert, nextChange: null };
  if (input.syncFailing) return { text: '!', title: t('bgBadgeSyncFailing', [input.syncFailing]), color: COLOR.alert, nextChange: null };
  if (!input.app) return { text: '', title: t('appName'), color: COLOR.normal, nextChange: null };
  const { app, status: q, nextChange } = effectiveQuiet(input.app, input.windowSkipUntil ?? 0, now);
  if (q.quiet) {
    if (q.reason === 'DND_APP_DURATION') {
      const title = t('bgBadgePausedUntil', [formatMoment(app.durationUntil, now, input.viewZone ?? app.timeZone)]);
      return { text: 'zZ', title, color: COLOR.quiet, nextChange };
    }
    const zone = app.timeZone;
    // A schedule entry in force is named ("weeknights", "Sat, Sun all day"), as the popup does.
    if (q.rule?.kind === 'schedule') {
      const what = `${ruleText(app, q.rule)} (${zone})`;
      const title = q.quietUntil === null ? t('bgBadgeQuietAllDay', [what]) : t('bgBadgeQuietRuleUntil', [formatMoment(q.quietUntil, now, zone), what]);
      return { text: 'zZ', title, color: COLOR.quiet, nextChange };
    }
    const w = app.window;
    const title = q.quietUntil === null
      ? t('bgBadgeQuietAllDay', [w ? t('bgBadgeDailyWindow', [formatClock(w.start), formatClock(w.end), zone]) : zone])
      : t('bgBadgeQuietHoursUntil', [formatMoment(q.quietUntil, now, zone), w ? formatClockRange(w.start, w.end) : '', zone]);
    return { text: 'zZ', title, color: COLOR.quiet, nextChange };
  }
  if (app.type === 'AT') return { text: '@', title: t('bgBadgeMentionsOnly'), color: COLOR.normal, nextChange };
  if (app.type === 'NONE') return { text: 'off', title: t('bgBadgePushOff'), color: COLOR.quiet, nextChange };
  const count = input.offlineCount > 0 ? String(Math.min(input.offlineCount, 999)) : '';
  const title = input.offlineCount > 0 ? t('bgBadgeOfflineCount', [String(input.offlineCount)]) : t('bgBadgeAllPushes');
  return { text: count, title, color: COLOR.normal, nextChange };
}

/** Reads the state needed for the badge from storage and IndexedDB. */
export async function badgeInput(ctx: Ctx): Promise<BadgeInput> {
  const [session, kv] = await Promise.all([getSession(ctx), ctx.db.getMany(BADGE_KV)]);
  return badgeInputOf(session, kv, ctx.browser.timeZone());
}

/** The stored values the badge depends on (one IndexedDB transaction). */
export const BADGE_KV = ['app', 'syncError', 'offlineCount', 'windowSkipUntil'] as const;

/** The badge's input from the session and the BADGE_KV values, already read. */
export function badgeInputOf(session: StoredSession | undefined, kv: { [K in (typeof BADGE_KV)[number]]?: KvValues[K] }, viewZone: string): BadgeInput {
  return {
    session,
    app: kv.app ?? null,
    // In words: the raw "cannot reach http://…: Failed to fetch" is for the options page's details.
    syncFailing: kv.syncError?.retryable ? t('bgSyncUnreachable') : '',
    offlineCount: kv.offlineCount ?? 0,
    viewZone,
    windowSkipUntil: kv.windowSkipUntil ?? 0,
  };
}

/** Recomputes the badge and schedules the one badge alarm at the next quiet change. */
export async function updateBadge(ctx: Ctx): Promise<Badge> {
  const badge = computeBadge(await badgeInput(ctx), ctx.now());
  await ctx.browser.setBadge(badge.text, badge.title, badge.color);
  await ctx.browser.setAlarm(BADGE_ALARM, badge.nextChange);
  return badge;
}
