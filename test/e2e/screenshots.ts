/**
 * `npm run screenshots`: the built extension in real Chromium against the real demo server,
 * photographed in English and Chinese — popup (notifications on, quiet, signed out), the
 * options page with its SPEC 1.7 sections (weekly schedule, priority people, keywords, summary)
 * and the recent-activity view — into assets/screenshots/; the popup and the options page also in
 * the dark colour scheme (`-dark-`). Uses the same harness as the e2e suite.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ExtensionBrowser } from './support/browser.ts';
import { CHROMIUM, hasChromium } from './support/chromium.ts';
import { openPopup, signInFromOptions } from './support/fixture.ts';
import { workerStatus } from './support/hooks.ts';
import { msg } from './support/messages.ts';
import { CLIENT_ID, CLIENT_SECRET, sendText, traceOf, userClient } from './support/rest.ts';
import { ROOT, ServerProcess } from './support/server.ts';
import { waitFor } from './support/wait.ts';
import type { WorkerScope } from './support/worker-chrome.ts';

const OUT = join(ROOT, 'assets/screenshots');
/** A zone with a readable name for the pictures. */
const ZONE = 'Europe/Paris';

interface Run {
  /** Chromium UI language (--lang) and file suffix. */
  readonly lang: string;
  /** The _locales folder with the strings the extension will show. */
  readonly locale: string;
  readonly suffix: string;
}

const RUNS: readonly Run[] = [
  { lang: 'en-US', locale: 'en', suffix: 'en' },
  { lang: 'zh-CN', locale: 'zh_CN', suffix: 'zh-CN' },
];

async function shootPopup(page: Page, file: string): Promise<void> {
  // The popup is one 360 px column: photograph just that, at its natural height.
  await page.locator('main').screenshot({ path: join(OUT, file), animations: 'disabled' });
  console.log(`  wrote assets/screenshots/${file}`);
}

/** Runs `shoot` with the page rendered as under a dark system theme (prefers-color-scheme: dark), then back to light. */
async function inDark(page: Page, shoot: () => Promise<void>): Promise<void> {
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    await shoot();
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
}

/** Local "HH:MM" of the whole hour at or before now, and eight hours later. */
function windowAroundNow(zone: string): { start: string; end: string } {
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
  const pad = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
  return { start: pad(hour), end: pad(hour + 8) };
}

async function photograph(server: ServerProcess, run: Run): Promise<void> {
  console.log(`${run.lang}:`);
  // Every run starts from default settings on the server.
  const alice = await userClient(server.url, 'alice');
  await alice.setSilentModeForAll({ options: { paramType: 1, duration: 0 } });
  await alice.setSilentModeForAll({ options: { paramType: 2, startTime: { hours: 0, minutes: 0 }, endTime: { hours: 0, minutes: 0 } } });
  await alice.setSilentModeForAll({ options: { paramType: 0, remindType: 'ALL' } });
  await alice.setPushRules({ quietSchedule: [], prioritySenders: [], keywords: [], summary: false });
  const bob = await userClient(server.url, 'bob');
  const carol = await userClient(server.url, 'carol');
  const groups = await alice.request<Array<{ groupid: string; groupname: string }>>({ method: 'GET', path: '/users/alice/joined_chatgroups', idempotent: true });
  const group = { id: groups.data.find((g) => g.groupname === 'Demo group')?.groupid ?? '', type: 'groupChat' as const };
  const decided = (id: string) => waitFor(`the decision on ${id}`, () => traceOf(alice, id));

  const browser = await ExtensionBrowser.launch({ lang: run.lang, timeZone: ZONE, viewport: { width: 900, height: 900 } });
  try {
    const ui = await browser.evaluate(() => (self as unknown as WorkerScope).chrome.i18n.getUILanguage());
    if (!ui.toLowerCase().startsWith(run.lang.slice(0, 2))) throw new Error(`Chromium runs in "${ui}", not ${run.lang}: the pictures would be in the wrong language`);

    const signedOut = await openPopup({ browser });
    await signedOut.locator('#signed-out-title').waitFor();
    await shootPopup(signedOut, `popup-signed-out-${run.suffix}.png`);
    await signedOut.close();

    const options = await signInFromOptions({ browser, server }, 'alice', run.locale);
    await options.close();

    const popup = await openPopup({ browser });
    await waitFor('the popup to say notifications are on', async () =>
      (await popup.getByTestId('status-title').textContent()) === msg('popupStatusOn', [], run.locale));
    await shootPopup(popup, `popup-${run.suffix}.png`);
    await inDark(popup, () => shootPopup(popup, `popup-dark-${run.suffix}.png`));
    await popup.close();
    // A push from bob, so the options page suggests him as a priority person.
    await waitFor('push delivery to be registered', async () => (await workerStatus(browser)).push.bound, { timeoutMs: 20_000 });
    await decided(await sendText(bob, { id: 'alice', type: 'singleChat' }, 'Lunch at 12?'));

    // Daily quiet hours set on the options page, as a user would; then the popup is quiet.
    const page = await browser.openPage('options.html');
    const w = windowAroundNow(ZONE);
    await page.locator('#quiet-start').waitFor();
    if (!(await page.locator('#quiet-enabled').isChecked())) await page.locator('#quiet-enabled').check();
    await page.locator('#quiet-start').fill(w.start);
    await page.locator('#quiet-end').fill(w.end);
    await page.locator('form').filter({ has: page.locator('#quiet-start') })
      .getByRole('button', { name: msg('optionsSave', [], run.locale), exact: true }).click();
    await waitFor('the badge to turn quiet', async () => (await browser.badge()).text === 'zZ');
    // Show the options page once push delivery is set up (the stream here: no push service).
    await waitFor('push delivery to be registered', async () => (await workerStatus(browser)).push.bound, { timeoutMs: 20_000 });
    await page.reload();
    await page.getByTestId('signed-in-as').waitFor();
    await setRules(page, run.locale);
    await page.reload();
    await page.getByTestId('signed-in-as').waitFor();
    await page.locator('#schedule .week-span').first().waitFor();
    await page.screenshot({ path: join(OUT, `options-${run.suffix}.png`), fullPage: true, animations: 'disabled' });
    console.log(`  wrote assets/screenshots/options-${run.suffix}.png`);
    await inDark(page, async () => {
      await page.screenshot({ path: join(OUT, `options-dark-${run.suffix}.png`), fullPage: true, animations: 'disabled' });
      console.log(`  wrote assets/screenshots/options-dark-${run.suffix}.png`);
    });
    await page.locator('#schedule').screenshot({ path: join(OUT, `options-schedule-${run.suffix}.png`), animations: 'disabled' });
    console.log(`  wrote assets/screenshots/options-schedule-${run.suffix}.png`);
    await shootRange(page, '#people', '#summary', `options-people-keywords-${run.suffix}.png`);
    await page.close();

    // Some decisions to read: held by quiet hours, and through them from a priority person.
    await decided(await sendText(carol, { id: 'alice', type: 'singleChat' }, 'Meeting moved to 3pm'));
    await decided(await sendText(bob, group, 'Deploy finished'));
    await decided(await sendText(carol, group, 'Can you review?', { ext: { em_at_list: ['alice'] } }));
    const activity = await browser.openPage('options.html', '#activity');
    await waitFor('the activity list', async () => (await activity.getByTestId('activity-sentence').count()) >= 3);
    await waitFor('the chats to choose from', async () => (await activity.locator('#check-chat option').count()) > 0);
    await activity.locator('#check-chat').selectOption(`groupChat/${group.id}`);
    await activity.locator('#check-from').fill('carol');
    await activity.getByRole('button', { name: msg('optionsCheckSubmit', [], run.locale), exact: true }).click();
    await activity.getByTestId('check-answer').waitFor();
    await activity.screenshot({ path: join(OUT, `activity-${run.suffix}.png`), fullPage: true, animations: 'disabled' });
    console.log(`  wrote assets/screenshots/activity-${run.suffix}.png`);
    await activity.close();

    const quiet = await openPopup({ browser });
    await quiet.getByTestId('countdown').waitFor();
    await shootPopup(quiet, `popup-quiet-${run.suffix}.png`);
    await inDark(quiet, () => shootPopup(quiet, `popup-quiet-dark-${run.suffix}.png`));
    await quiet.close();
  } finally {
    await browser.close();
  }
}

/** The SPEC 1.7 sections filled in on the options page, as a user would. */
async function setRules(page: Page, locale: string): Promise<void> {
  const saved = msg('optionsSaved', [], locale);
  const schedule = page.locator('#schedule');
  await schedule.getByRole('button', { name: msg('optionsSchedulePresetWeeknights', [], locale), exact: true }).click();
  await schedule.getByRole('button', { name: msg('optionsSchedulePresetWeekends', [], locale), exact: true }).click();
  await schedule.getByRole('button', { name: msg('optionsSave', [], locale), exact: true }).click();
  await schedule.getByText(saved, { exact: true }).waitFor();
  const people = page.locator('#people');
  await people.getByRole('button', { name: /bob/ }).first().click();
  await people.getByRole('button', { name: msg('optionsListRemove', ['bob'], locale), exact: true }).waitFor();
  const keywords = page.locator('#keywords');
  for (const word of ['deploy', 'release', '发布']) {
    await keywords.getByLabel(msg('optionsKeywordsLabel', [], locale), { exact: true }).fill(word);
    await keywords.getByRole('button', { name: msg('optionsKeywordsAdd', [], locale), exact: true }).click();
    await keywords.getByRole('button', { name: msg('optionsListRemove', [word], locale), exact: true }).waitFor();
  }
  await page.locator('#summary-enabled').check();
  await page.locator('#summary').getByText(saved, { exact: true }).waitFor();
}

/** One picture from the top of `first` to the bottom of `last` (sections that belong together). */
async function shootRange(page: Page, first: string, last: string, file: string): Promise<void> {
  // Page coordinates (a full-page clip is relative to the page, not to the scrolled viewport).
  const box = (sel: string) => page.evaluate((s) => {
    const r = document.querySelector(s)?.getBoundingClientRect();
    return r ? { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height } : null;
  }, sel);
  const a = await box(first);
  const b = await box(last);
  if (!a || !b) throw new Error(`${first} or ${last} is not on the page`);
  const x = Math.min(a.x, b.x);
  await page.screenshot({ path: join(OUT, file), fullPage: true, animations: 'disabled', clip: { x, y: a.y, width: Math.max(a.width, b.width), height: b.y + b.height - a.y } });
  console.log(`  wrote assets/screenshots/${file}`);
}

/** What the Chinese pictures need beyond Chromium itself, as install hints ([] = all there). */
function missingForChinese(): string[] {
  const missing: string[] = [];
  // Debian's chromium ships only en-US; without this pak chrome.i18n falls back to English.
  if (!existsSync('/usr/lib/chromium/locales/zh-CN.pak') && CHROMIUM === '/usr/bin/chromium') missing.push('chromium-l10n (Chromium\'s zh-CN locale)');
  let fonts = '';
  try {
    fonts = execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  } catch {
    fonts = '';
  }
  if (fonts.trim() === '') missing.push('fonts-noto-cjk (a Chinese font; without it every character is a box)');
  // Not fatal: the options page lists language names in their own scripts (Amharic, Bangla …).
  if (!existsSync('/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf'))
    console.warn('Hint: apt-get install -y fonts-noto-core, or some language names on the options page show as boxes.');
  return missing;
}

async function main(): Promise<void> {
  if (!hasChromium) {
    console.error(`Chromium is missing at ${CHROMIUM}: install it with  apt-get update && apt-get install -y chromium  (or set CHROMIUM_PATH).`);
    process.exit(1);
  }
  const missing = missingForChinese();
  if (missing.length > 0) {
    console.error(`The Chinese screenshots need: ${missing.join('; ')}.\nInstall with  apt-get install -y chromium-l10n fonts-noto-cjk`);
    process.exit(1);
  }
  mkdirSync(OUT, { recursive: true });
  // Port 8080 (the default a user sees) when free, else any port.
  const extraArgs = ['--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET];
  let server = new ServerProcess({ port: 8080, extraArgs });
  try {
    await server.start();
  } catch {
    await server.dispose();
    server = new ServerProcess({ port: 0, extraArgs });
    await server.start();
  }
  try {
    for (const run of RUNS) await photograph(server, run);
  } finally {
    await server.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
