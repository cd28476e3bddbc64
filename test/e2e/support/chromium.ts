/**
 * Whether the real Chromium is here. Outside CI a missing one skips the browser suites loudly
 * (a banner, and the skips counted in the summary line); under CI=true it is a failure: the
 * suites run and their fixture throws, so a runner without Chromium cannot pass them silently.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const UNDER_CI = process.env.CI === 'true';

/** For `describe.skipIf(skipBrowserSuite)`: skip only outside CI, and only without Chromium. */
export const skipBrowserSuite = !hasChromium && !UNDER_CI;

const INSTALL = `apt-get update && apt-get install -y chromium  (or set CHROMIUM_PATH)`;

/** Throws when Chromium is missing (the fixture calls it first, so under CI the file fails). */
export function requireChromium(): void {
  if (!hasChromium) throw new Error(`Chromium is not at ${CHROMIUM}: under CI the end-to-end tests fail instead of skipping. Install it with: ${INSTALL}`);
}

/** Prints a banner when the browser tests are skipped, with how to install Chromium. */
export function warnIfNoChromium(suite: string): void {
  if (!skipBrowserSuite) return;
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n!! SKIPPED: ${suite} — the end-to-end tests need Chromium at ${CHROMIUM}.\n` +
      `!! Install it with:  ${INSTALL}\n` +
      `!! Nothing in this file was tested (under CI=true this is a failure).\n${line}\n`,
  );
}
