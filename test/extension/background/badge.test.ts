/** The toolbar badge: quiet states, push modes, alerts, and the alarm at the next change. */
import { fakeBrowser } from '@webext-core/fake-browser';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BADGE_ALARM, computeBadge, updateBadge } from '../../../src/background/handlers/badge.ts';
import type { StoredSession } from '../../../src/background/handlers/deps.ts';
import { SESSION_KEY } from '../../../src/background/handlers/session.ts';
import { type AppSettings, DEFAULT_APP_SETTINGS, quietStatus } from '../../../src/core/index.ts';
import { makeCtx, resetBrowser } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

const session: StoredSession = { serverUrl: 'http://127.0.0.1:1', appKey: 'demo#im', username: 'alice', token: 't', expiresAt: 0, expired: false };
const paris = (over: Partial<AppSettings>): AppSettings => ({ ...DEFAULT_APP_SETTINGS, timeZone: 'Europe/Paris', ...over });
// 2026-01-15 23:30 in Paris (UTC+1) = 22:30 UTC.
const T = Date.UTC(2026, 0, 15, 22, 30);
const input = (app: AppSettings | null, extra: Partial<Parameters<typeof computeBadge>[0]> = {}) => ({ session, app, syncFailing: '', offlineCount: 0, ...extra });

describe('computeBadge', () => {
  it('shows zZ and the window end in the zone during the daily window', () => {
    const app = paris({ window: { start: 22 * 60, end: 7 * 60 } });
    const b = computeBadge(input(app), T);
    expect(b.text).toBe('zZ');
    expect(b.title).toBe('Quiet hours until tomorrow 7:00 AM — daily 10:00 PM–7:00 AM (Europe/Paris)');
    expect(b.nextChange).toBe(Date.UTC(2026, 0, 16, 6, 0));
  });

  it('shows zZ until the duration ends when paused', () => {
    const app = paris({ durationUntil: T + 30 * 60_000 });
    const b = computeBadge(input(app), T);
    expect(b.text).toBe('zZ');
    expect(b.title).toBe('Paused until tomorrow 12:00 AM');
    expect(b.nextChange).toBe(T + 30 * 60_000);
  });

  it('shows when a pause ends on the browser\'s clock, whatever zone the settings carry', () => {
    const app = { ...DEFAULT_APP_SETTINGS, timeZone: 'UTC', durationUntil: T + 30 * 60_000 };
    const b = computeBadge(input(app, { viewZone: 'Asia/Tokyo' }), T);
    // Now is 07:30 in Tokyo; the pause ends at 23:00 UTC = 08:00 the same Tokyo day.
    expect(b.title).toBe('Paused until 8:00 AM');
  });

  it('names the one cause in force: a pause inside quiet hours says "paused", and is recomputed when the pause ends', () => {
    // 23:30 in Paris, window 22:00–07:00, paused until 01:00: the pause is the cause now.
    const app = paris({ window: { start: 22 * 60, end: 7 * 60 }, durationUntil: T + 90 * 60_000 });
    const b = computeBadge(input(app), T);
    expect(b.title).toBe('Paused until tomorrow 1:00 AM');
    expect(b.title).not.toMatch(/daily/);
    expect(b.nextChange).toBe(T + 90 * 60_000);
    // Once the pause is over the window is the cause.
    expect(computeBadge(input(app), T + 90 * 60_000).title).toMatch(/^Quiet hours until 7:00 AM — daily/);
  });

  it('a pause ending after tomorrow shows its date', () => {
    const app = paris({ durationUntil: T + 5 * 24 * 3_600_000 });
    expect(computeBadge(input(app, { viewZone: 'Europe/Paris' }), T).title).toBe('Paused until Tue, Jan 20, 11:30 PM');
    const week = paris({ durationUntil: T + 7 * 24 * 3_600_000 });
    expect(computeBadge(input(week, { viewZone: 'Europe/Paris' }), T).title).toBe('Paused until Thu, Jan 22, 11:30 PM');
  });

  it('a skipped window ("not tonight") is not quiet, and the skip end is a change', () => {
    const app = paris({ window: { start: 22 * 60, end: 7 * 60 } });
    const b = computeBadge(input(app, { windowSkipUntil: Date.UTC(2026, 0, 16, 6, 0) }), T);
    expect(b.text).toBe('');
    expect(b.nextChange).toBe(Date.UTC(2026, 0, 16, 6, 0));
  });

  it('is not quiet for a conversation-only mute (the badge is about the whole app)', () => {
    const b = computeBadge(input(paris({})), T);
    expect(b.text).toBe('');
    expect(quietStatus(paris({}), { durationUntil: T + 60_000 }, T).quiet).toBe(true);
  });

  it('shows @ for mentions only, off for NONE, and the offline count for ALL', () => {
    expect(computeBadge(input(paris({ type: 'AT' })), T).text).toBe('@');
    expect(computeBadge(input(paris({ type: 'NONE' })), T).text).toBe('off');
    expect(computeBadge(input(paris({}), { offlineCount: 7 }), T)).toMatchObject({ text: '7', title: 'Offline messages: 7' });
    expect(computeBadge(input(paris({}), { offlineCount: 0 }), T).text).toBe('');
  });

  it('shows ! when signed out, expired, or sync is failing', () => {
    expect(computeBadge(input(paris({}), { session: undefined }), T)).toMatchObject({ text: '!', title: expect.stringMatching(/Signed out/) });
    expect(computeBadge(input(paris({}), { session: { ...session, expired: true } }), T)).toMatchObject({ text: '!', title: expect.stringMatching(/expired/) });
    expect(computeBadge(input(paris({}), { session: { ...session, expiresAt: T - 1 } }), T).text).toBe('!');
    expect(computeBadge(input(paris({}), { syncFailing: 'cannot reach http://x' }), T)).toMatchObject({ text: '!', title: expect.stringMatching(/cannot reach/) });
  });

  it('says quiet all day for an all-day window', () => {
    const b = computeBadge(input(paris({ window: { start: 600, end: 600 } })), T);
    expect(b).toMatchObject({ text: 'zZ', nextChange: null });
    expect(b.title).toMatch(/all day/);
  });
});

describe('updateBadge', () => {
  beforeEach(resetBrowser);

  it('sets the badge and schedules the one badge alarm at exactly nextChange', async () => {
    let now = T;
    const ctx = await makeCtx({ now: () => now });
    await fakeBrowser.storage.local.set({ [SESSION_KEY]: session });
    await ctx.db.set('app', paris({ window: { start: 22 * 60, end: 7 * 60 } }));
    const b = await updateBadge(ctx);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('zZ');
    expect(await fakeBrowser.action.getTitle({})).toBe(b.title);
    const alarm = await fakeBrowser.alarms.get(BADGE_ALARM);
    expect(alarm?.scheduledTime).toBe(Date.UTC(2026, 0, 16, 6, 0));

    // The alarm fires: the window is over, the next change is tonight's start.
    now = alarm!.scheduledTime;
    await updateBadge(ctx);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
    expect((await fakeBrowser.alarms.get(BADGE_ALARM))?.scheduledTime).toBe(Date.UTC(2026, 0, 16, 21, 0));
    expect((await fakeBrowser.alarms.getAll()).filter((a) => a.name === BADGE_ALARM)).toHaveLength(1);
    ctx.db.close();
  });

  it('clears the alarm when nothing will change', async () => {
    const ctx = await makeCtx({ now: () => T });
    await fakeBrowser.storage.local.set({ [SESSION_KEY]: session });
    await ctx.db.set('app', paris({ type: 'AT' }));
    await fakeBrowser.alarms.create(BADGE_ALARM, { when: T + 1000 });
    await updateBadge(ctx);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('@');
    expect(await fakeBrowser.alarms.get(BADGE_ALARM)).toBeUndefined();
    ctx.db.close();
  });
});
