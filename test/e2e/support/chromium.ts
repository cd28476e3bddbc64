/** Whether the real Chromium is here; when not, the suite says so loudly instead of passing quietly. */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Prints a banner when the browser tests are skipped, with how to install Chromium. */
export function warnIfNoChromium(suite: string): void {
  if (hasChromium) return;
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n!! SKIPPED: ${suite} — the end-to-end tests need Chromium at ${CHROMIUM}.\n` +
      `!! Install it with:  apt-get update && apt-get install -y chromium\n` +
      `!! (or set CHROMIUM_PATH). Nothing in this file was tested.\n${line}\n`,
  );
}
