/**
 * B5 — popup: open → status on screen from the cache, in headless Chromium with the test build
 * loaded (dist/, `npm run build:test`). alice is signed in and her settings are cached first; then
 * each run opens popup.html in a new tab and reads the page's "rendered" mark (src/ui/rendered-mark.ts,
 * set by an effect once the status view has painted), which counts from navigation start.
 * Baseline, interleaved run by run: an empty Preact page of the same build opened the same way
 * (test/bench/pages/empty.html), which sets the same mark the same way.
 * Target: median ≤ 50 ms above that floor. Details also hold runs with the worker stopped first
 * (a popup opened after the service worker went to sleep).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildApp } from '../../src/server/app.ts';
import { makeConfig } from '../../src/server/config.ts';
import { RENDERED_MARK } from '../../src/ui/rendered-mark.ts';
import { ExtensionBrowser, DIST } from '../e2e/support/browser.ts';
import { hasChromium } from '../e2e/support/chromium.ts';
import { msg } from '../e2e/support/messages.ts';
import { median, report } from './lib/report.ts';

export interface Options {
  quick?: boolean;
}

/**
 * Where the time above the floor goes, measured with marks in the popup and timing in the worker
 * (Dec 2026, issue 12): the popup's entry sends getStatus first and loads the app beside it
 * (before, the request left from the first render's effect, after all the script had run); the
 * worker answers from one IndexedDB transaction, one storage read and the tab query (before:
 * ~20 round trips, ~45 ms while the popup loaded); the panels below the status (pause, push
 * mode, chat, account) render one frame after it, so the first frame lays out the status alone
 * (Dec 2026, A/B on a shared 2-core machine: ~4 ms less from the entry to the mark, less than the
 * noise of one 20-run median). What is left is the two message hops with the worker's reads
 * (~15–18 ms from the entry to the answer) and the entry starting ~10 ms after the floor's (it
 * waits for its two stylesheets and loads more chunks).
 */
const WHY = 'the first render waits for one getStatus round trip to the background (sent by the entry before the app loads; the worker reads one IndexedDB transaction, one storage read and the active tab) and for the entry\u2019s two stylesheets; the panels below the status render one frame after it';

/** Where the test build puts the floor page. */
export const EMPTY_PAGE = 'test/bench/pages/empty.html';

/** Whether this machine can run B5 (Chromium, and a test build with the floor page). */
export const canRun = (): boolean => hasChromium && existsSync(join(DIST, EMPTY_PAGE));

/** Opens an extension page in a new tab; ms from navigation start to its rendered mark. */
async function openTimed(b: ExtensionBrowser, page: string): Promise<number> {
  const p: Page = await b.context.newPage();
  try {
    await p.goto(b.url(page));
    await p.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, RENDERED_MARK, { timeout: 10_000 });
    return await p.evaluate((mark) => performance.getEntriesByName(mark)[0]!.startTime, RENDERED_MARK);
  } finally {
    await p.close();
  }
}

export async function run(opts: Options = {}): Promise<void> {
  if (!canRun()) throw new Error(`B5 needs Chromium and the test build: run \`npm run build:test\` (${join(DIST, EMPTY_PAGE)} is missing) and install chromium`);
  const runs = opts.quick ? 2 : 20;
  const dir = mkdtempSync(join(tmpdir(), 'impc-b5-'));
  const server = await buildApp(makeConfig({ port: 0, dataDir: dir, demo: true }));
  let browser: ExtensionBrowser | undefined;
  try {
    const url = await server.listen();
    browser = await ExtensionBrowser.launch({ viewport: { width: 420, height: 640 } });
    // Sign in as a user would (the options page), then let the first settings sync fill the cache.
    const options = await browser.openPage('options.html');
    await options.locator('#account-serverUrl').fill(url);
    await options.locator('#account-appKey').fill('demo#im');
    await options.locator('#account-username').fill('alice');
    await options.locator('#account-password').fill('alice');
    await options.getByRole('button', { name: msg('optionsSignIn'), exact: true }).click();
    await options.getByTestId('signed-in-as').waitFor({ timeout: 15_000 });
    await options.close();
    const warm = await browser.openPage('popup.html');
    await warm.getByTestId('status-title').waitFor({ timeout: 15_000 });
    await warm.waitForFunction(() => !document.querySelector('.notice'), undefined, { timeout: 15_000 }).catch(() => undefined);
    await warm.close();
    // Warm-up: the first opens compile the pages' scripts.
    for (let i = 0; i < (opts.quick ? 1 : 3); i++) {
      await openTimed(browser, EMPTY_PAGE);
      await openTimed(browser, 'popup.html');
    }
    const popup: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternating which goes first, so a slow moment of the machine hits both alike.
      if (i % 2 === 0) {
        floor.push(await openTimed(browser, EMPTY_PAGE));
        popup.push(await openTimed(browser, 'popup.html'));
      } else {
        popup.push(await openTimed(browser, 'popup.html'));
        floor.push(await openTimed(browser, EMPTY_PAGE));
      }
    }
    // The same open after the service worker was stopped (the popup then waits for it to start).
    const asleep: number[] = [];
    for (let i = 0; i < (opts.quick ? 1 : 5); i++) {
      await browser.stopWorkers();
      asleep.push(await openTimed(browser, 'popup.html'));
    }
    const p = median(popup);
    const f = median(floor);
    const over = p - f;
    const r = (xs: number[]) => xs.map((x) => Math.round(x * 10) / 10);
    console.log(`popup ${p.toFixed(1)} ms, empty Preact page ${f.toFixed(1)} ms (medians of ${runs}); worker stopped first: ${median(asleep).toFixed(1)} ms`);
    const met = over <= 50;
    report({
      id: 'B5', title: `Popup open → status rendered from the cache (headless Chromium, median of ${runs})`, figure: p, unit: 'ms',
      baseline: f, baselineLabel: 'empty Preact page of the same build, opened the same way', ratio: f / p,
      target: '≤ 50 ms above the floor (median)', met,
      limits: met
        ? `${over.toFixed(1)} ms above the floor (${median(asleep).toFixed(0)} ms with the service worker stopped first); what is left: ${WHY}`
        : `${over.toFixed(1)} ms above the floor (${median(asleep).toFixed(0)} ms with the service worker stopped first): ${WHY}`,
      details: { overFloorMs: over, popupMs: r(popup), floorMs: r(floor), workerStoppedMs: r(asleep) },
    }, opts);
  } finally {
    await browser?.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default () => run();
