/**
 * The toolbar badge (SPEC 5): quiet → "zZ" with "Quiet until …" tooltip, else "@" for AT,
 * "off" for NONE, or the offline count; "!" when signed out, expired or sync is failing.
 * Quiet status is computed with core's quietStatus in the settings' own zone (where the server
 * evaluates the window); the end of a pause is shown on the browser's clock, which is the one the
 * person reads. Rescheduled at nextChange.
 */
import {
  type AppSettings, clockText, localDayNumber, localMinuteOfDay, quietStatus,
} from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import type { Ctx } from './context.ts';
import type { StoredSession } from './deps.ts';
import { getSession, isExpired } from './session.ts';

export const BADGE_ALARM = 'badge';

export interface BadgeInput {
  readonly session: StoredSession | undefined;
  readonly app: AppSettings | null;
  readonly syncFailing: string;
  readonly offlineCount: number;
  /** The browser's zone, for showing when a pause ends; the settings' zone when absent. */
  readonly viewZone?: string;
}

export interface Badge {
  readonly text: string;
  readonly title: string;
  readonly color: string;
  /** When the badge must be recomputed (quiet flips); null = only on the next change. */
  readonly nextChange: number | null;
}

const COLOR = { alert: '#dc2626', quiet: '#6b7280', normal: '#2563eb' } as const;

/** "12:00", or "Mon 12:00"-style with the local date when more than a day ahead. */
function untilText(until: number, now: number, zone: string): string {
  const time = clockText(localMinuteOfDay(until, zone));
  if (localDayNumber(until, zone) === localDayNumber(now, zone)) return time;
  if (localDayNumber(until, zone) === localDayNumber(now, zone) + 1) return t('bgBadgeTomorrowAt', [time]);
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: zone, month: '2-digit', day: '2-digit' }).format(until);
  return t('bgBadgeDateAt', [date, time]);
}

/** The badge for the given state at `now` (pure apart from the string catalogue). */
export function computeBadge(input: BadgeInput, now: number): Badge {
  const { session, app } = input;
  if (!session) return { text: '!', title: t('bgBadgeSignedOut'), color: COLOR.alert, nextChange: null };
  if (isExpired(session, now)) return { text: '!', title: t('bgBadgeExpired'), color: COLOR.alert, nextChange: null };
  if (input.syncFailing) return { text: '!', title: t('bgBadgeSyncFailing', [input.syncFailing]), color: COLOR.alert, nextChange: null };
  if (!app) return { text: '', title: t('appName'), color: COLOR.normal, nextChange: null };
  const q = quietStatus(app, undefined, now);
  if (q.quiet) {
    const zone = app.timeZone;
    const daily = app.window
      ? t('bgBadgeDailyWindow', [clockText(app.window.start), clockText(app.window.end), zone])
      : '';
    // With a daily window the end is read in the window's zone, named right after it; a pause
    // alone ends on the browser's clock.
    const viewZone = daily ? zone : (input.viewZone ?? zone);
    const title =
      q.quietUntil === null
        ? t('bgBadgeQuietAllDay', [daily || zone])
        : daily
          ? t('bgBadgeQuietUntilDaily', [untilText(q.quietUntil, now, zone), daily])
          : t('bgBadgeQuietUntil', [untilText(q.quietUntil, now, viewZone), viewZone]);
    return { text: 'zZ', title, color: COLOR.quiet, nextChange: q.nextChange };
  }
  if (app.type === 'AT') return { text: '@', title: t('bgBadgeMentionsOnly'), color: COLOR.normal, nextChange: q.nextChange };
  if (app.type === 'NONE') return { text: 'off', title: t('bgBadgePushOff'), color: COLOR.quiet, nextChange: q.nextChange };
  const count = input.offlineCount > 0 ? String(Math.min(input.offlineCount, 999)) : '';
  const title = input.offlineCount > 0 ? t('bgBadgeOfflineCount', [String(input.offlineCount)]) : t('bgBadgeAllPushes');
  return { text: count, title, color: COLOR.normal, nextChange: q.nextChange };
}

/** Reads the state needed for the badge from storage and IndexedDB. */
export async function badgeInput(ctx: Ctx): Promise<BadgeInput> {
  const [session, app, syncError, offlineCount] = await Promise.all([
    getSession(ctx),
    ctx.db.get('app'),
    ctx.db.get('syncError'),
    ctx.db.get('offlineCount'),
  ]);
  return {
    session,
    app: app ?? null,
    syncFailing: syncError?.retryable ? syncError.message : '',
    offlineCount: offlineCount ?? 0,
    viewZone: ctx.browser.timeZone(),
  };
}

/** Recomputes the badge and schedules the one badge alarm at the next quiet change. */
export async function updateBadge(ctx: Ctx): Promise<Badge> {
  const badge = computeBadge(await badgeInput(ctx), ctx.now());
  await ctx.browser.setBadge(badge.text, badge.title, badge.color);
  await ctx.browser.setAlarm(BADGE_ALARM, badge.nextChange);
  return badge;
}
