/**
 * SPEC 5 settings, end to end: the built extension in real Chromium against the real server.
 * Sign-in on the options page, pause/resume from the popup, daily quiet hours, and a
 * conversation mute from the context menu — each checked on the server (REST) and on the badge.
 */
import { describe, expect, it } from 'vitest';
import { localMinuteOfDay } from '../../src/core/index.ts';
import { formatClock } from '../../src/shared/time-format.ts';
import { skipBrowserSuite, warnIfNoChromium } from './support/chromium.ts';
import { BROWSER_ZONE, openPopup, signInFromOptions, useE2E, waitForBadge } from './support/fixture.ts';
import { demoGroupId } from './support/demo-chat.ts';
import { clickContextMenu, dispatchMenuClickHook } from './support/hooks.ts';
import { msg } from './support/messages.ts';
import { appToken, createGroup } from './support/rest.ts';
import { waitFor } from './support/wait.ts';
import type { WorkerScope } from './support/worker-chrome.ts';

warnIfNoChromium('test/e2e/settings.test.ts');

const HOUR = 3_600_000;

interface AppWire { type: string; ignoreInterval: string; ignoreDuration: number; timeZone: string }
interface ConvWire { type?: string; ignoreDuration: number }

describe.skipIf(skipBrowserSuite)('settings from the extension reach the server', () => {
  const e2e = useE2E();
  const appSettings = async () => (await e2e.alice.getSilentModeForAll()).data as AppWire;
  const convSettings = async (conversationId: string, type: string) =>
    (await e2e.alice.getSilentModeForConversation({ conversationId, type })).data as ConvWire;

  /** The zone the browser reports; ICU may use a legacy name (Asia/Kolkata → Asia/Calcutta). */
  const browserZone = () => e2e.browser.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  /** The browser's UI language, which the extension's one time format follows. */
  const uiLanguage = () => e2e.browser.evaluate(() => (self as unknown as WorkerScope).chrome.i18n.getUILanguage());

  it('signs in from the options page; the popup shows "notifications on" and the account', async () => {
    const options = await signInFromOptions(e2e, 'alice');
    expect(await options.getByTestId('signed-in-as').textContent()).toContain('alice');
    await options.close();

    const popup = await openPopup(e2e);
    await waitFor('popup status "on"', async () => (await popup.getByTestId('status-title').textContent()) === msg('popupStatusOn'));
    const account = await popup.getByTestId('account').textContent();
    expect(account).toContain('alice');
    expect(account).toContain(new URL(e2e.server.url).host);
    await popup.close();
  });

  it('the popup reflows at 100–200 % zoom: no sideways scrolling, and it scrolls within Chrome\'s 600 px limit', async () => {
    const popup = await openPopup(e2e);
    // Chrome's popup is at most 800×600 device pixels; at 200 % zoom that is 400×300 CSS pixels.
    for (const [w, h] of [[360, 600], [360, 300], [240, 300]] as const) {
      await popup.setViewportSize({ width: w, height: h });
      const m = await popup.evaluate(() => ({
        sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        tall: document.documentElement.scrollHeight > document.documentElement.clientHeight,
        overflowY: getComputedStyle(document.documentElement).overflowY,
      }));
      expect(m.sideways, `${w}×${h}`).toBeLessThanOrEqual(0);
      if (m.tall) expect(m.overflowY).toBe('auto');
    }
    await popup.close();
  });

  it('pauses for 1 h from the popup: the server stores the duration, the badge says zZ until then; Resume clears both', async () => {
    const popup = await openPopup(e2e);
    const before = Date.now();
    await popup.getByRole('button', { name: msg('popupPause1h'), exact: true }).click();
    const stored = await waitFor('a 1 h pause on the server', async () => {
      const s = await appSettings();
      return s.ignoreDuration > 0 ? s : undefined;
    });
    const after = Date.now();
    // The stored expiry is "now + 1 h" as the extension saw now, i.e. between the click and the read.
    expect(stored.ignoreDuration).toBeGreaterThanOrEqual(before + HOUR - 1000);
    expect(stored.ignoreDuration).toBeLessThanOrEqual(after + HOUR + 1000);

    // The badge's tooltip ("Paused until …", the cause in force) and the popup's headline name
    // the end time on the browser's clock, in the one Intl format of the browser's language.
    const zone = await browserZone();
    const lang = await uiLanguage();
    const localUntil = new Intl.DateTimeFormat(lang, { timeStyle: 'short', timeZone: zone }).format(stored.ignoreDuration);
    const until = localUntil;
    const badge = await waitForBadge(e2e, 'zZ', (b) => b.text === 'zZ');
    expect(badge.title).toContain(until);
    expect(badge.title).toContain(msg('bgBadgePausedUntil', ['']).trim());
    await waitFor(`the popup headline naming ${localUntil}`, async () => (await popup.getByTestId('status-title').textContent())?.includes(localUntil));

    await popup.getByRole('button', { name: msg('popupResume'), exact: true }).click();
    await waitFor('the pause cleared on the server', async () => (await appSettings()).ignoreDuration === 0);
    const cleared = await waitForBadge(e2e, 'without zZ', (b) => b.text !== 'zZ');
    expect(cleared.title).not.toContain(until);
    await popup.close();
  });

  it('daily quiet hours from the options page are stored with the browser zone and turn the badge quiet', async () => {
    const zone = await browserZone();
    expect(localMinuteOfDay(Date.UTC(2026, 0, 1), zone)).toBe(localMinuteOfDay(Date.UTC(2026, 0, 1), BROWSER_ZONE));
    const nowMinute = localMinuteOfDay(Date.now(), zone);
    const around = { start: (nowMinute + 1440 - 60) % 1440, end: (nowMinute + 60) % 1440 };
    const later = { start: (nowMinute + 120) % 1440, end: (nowMinute + 180) % 1440 };
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

    const options = await e2e.browser.openPage('options.html');
    await options.getByTestId('time-zone').waitFor();
    expect(await options.getByTestId('time-zone').textContent()).toContain(zone);
    const enabled = options.locator('#quiet-enabled');
    if (!(await enabled.isChecked())) await enabled.check();
    await options.locator('#quiet-start').fill(hhmm(around.start));
    await options.locator('#quiet-end').fill(hhmm(around.end));
    const quietForm = options.locator('form').filter({ has: options.locator('#quiet-start') });
    await quietForm.getByRole('button', { name: msg('optionsSave'), exact: true }).click();

    const expected = `${Math.floor(around.start / 60)}:${around.start % 60}-${Math.floor(around.end / 60)}:${around.end % 60}`;
    const stored = await waitFor('the window on the server', async () => {
      const s = await appSettings();
      return s.ignoreInterval === expected ? s : undefined;
    });
    expect(stored.timeZone).toBe(zone);
    const quiet = await waitForBadge(e2e, 'zZ for the window', (b) => b.text === 'zZ');
    expect(quiet.title).toContain(formatClock(around.end, await uiLanguage()));
    expect(quiet.title).toContain(zone);

    await options.locator('#quiet-start').fill(hhmm(later.start));
    await options.locator('#quiet-end').fill(hhmm(later.end));
    await quietForm.getByRole('button', { name: msg('optionsSave'), exact: true }).click();
    const laterText = `${Math.floor(later.start / 60)}:${later.start % 60}-${Math.floor(later.end / 60)}:${later.end % 60}`;
    await waitFor('the later window on the server', async () => (await appSettings()).ignoreInterval === laterText);
    await waitForBadge(e2e, 'not quiet', (b) => b.text !== 'zZ');

    // Leave the day free of quiet hours for the next test.
    await enabled.uncheck();
    await quietForm.getByRole('button', { name: msg('optionsSave'), exact: true }).click();
    await waitFor('quiet hours off on the server', async () => (await appSettings()).ignoreInterval === '');
    await options.close();
  });

  it('mutes the group of the current tab from the context menu; other chats are unaffected; "follow app setting" clears the mode', async () => {
    const admin = await appToken(e2e.server.url);
    const groupId = await demoGroupId(e2e);
    const otherGroupId = await createGroup(e2e.server.url, admin, 'e2e other', 'alice', ['carol']);
    const chatUrl = `${e2e.server.url}/#/chat/groupChat/${groupId}`;
    const tab = await e2e.browser.context.newPage();
    await tab.goto(chatUrl);
    const tabId = await waitFor('the chat tab id', () =>
      e2e.browser.evaluate(async (url) => {
        const c = (self as unknown as WorkerScope).chrome;
        const tabs = await c.tabs.query({});
        return tabs.find((t) => t.url === url)?.id;
      }, chatUrl),
    );

    const before = Date.now();
    await clickContextMenu(e2e.browser, 'mute-1h', chatUrl, tabId);
    const muted = await waitFor('the group muted on the server', async () => {
      const s = await convSettings(groupId, 'groupChat');
      return s.ignoreDuration > 0 ? s : undefined;
    });
    expect(muted.ignoreDuration).toBeGreaterThanOrEqual(before + HOUR - 1000);
    expect(muted.ignoreDuration).toBeLessThanOrEqual(Date.now() + HOUR + 1000);
    expect(await convSettings(otherGroupId, 'groupChat')).toMatchObject({ ignoreDuration: 0 });
    expect((await convSettings(otherGroupId, 'groupChat')).type).toBeUndefined();
    expect((await appSettings()).ignoreDuration).toBe(0);

    await clickContextMenu(e2e.browser, 'mode-at', chatUrl, tabId);
    await waitFor('the group set to AT', async () => (await convSettings(groupId, 'groupChat')).type === 'AT');

    expect(await dispatchMenuClickHook(e2e.browser, 'mode-default', chatUrl)).toBe('mode-default');
    const followed = await waitFor('the group following the app', async () => {
      const s = await convSettings(groupId, 'groupChat');
      return s.type === undefined ? s : undefined;
    });
    // SPEC 1.2 Decision: clearing the remind type keeps the mute.
    expect(followed.ignoreDuration).toBe(muted.ignoreDuration);
    expect((await convSettings(otherGroupId, 'groupChat')).type).toBeUndefined();
    await tab.close();
  });
});
