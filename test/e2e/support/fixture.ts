/**
 * One server and one browser per test file (vitest hooks), plus the user steps the scenarios share.
 * Files run one at a time (the e2e project has fileParallelism: false).
 */
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import type { PushClient } from '../../../src/client/index.ts';
import { ExtensionBrowser, type LaunchOptions } from './browser.ts';
import { requireChromium } from './chromium.ts';
import { msg } from './messages.ts';
import { CLIENT_ID, CLIENT_SECRET, userClient } from './rest.ts';
import { type ServerOptions, ServerProcess } from './server.ts';
import { DATABASE_URL, dropIsolation, isolation, REDIS_URL } from '../../support/services.ts';
import { waitFor } from './wait.ts';

/** The browser's zone in the tests: not UTC (the server's default), with a half-hour offset. */
export const BROWSER_ZONE = 'Asia/Kolkata';

/**
 * IMPC_TEST_ENGINE=cluster (the "e2e-cluster" project): every file runs against two nodes on
 * PostgreSQL and Redis; the extension and alice use node A, bob sends through node B.
 */
export const E2E_CLUSTER = process.env.IMPC_TEST_ENGINE === 'cluster';

export interface E2E {
  server: ServerProcess;
  /** The second node in cluster runs (bob's), else the same as `server`. */
  other: ServerProcess;
  browser: ExtensionBrowser;
  /** alice through the SDK client (REST reads of what the server stored). */
  alice: PushClient;
  bob: PushClient;
}

export interface E2EOptions {
  readonly server?: ServerOptions;
  readonly launch?: LaunchOptions;
  /** Runs first in beforeAll; what it returns is added to the server's options (e.g. env). */
  readonly beforeLaunch?: () => Promise<ServerOptions>;
}

/** Starts the server and Chromium before the file's tests and stops both after. */
export function useE2E(opts: E2EOptions = {}): E2E {
  const e2e = {} as E2E;
  beforeAll(async () => {
    requireChromium();
    const extra = opts.beforeLaunch ? await opts.beforeLaunch() : {};
    const serverOpts: ServerOptions = {
      ...opts.server,
      ...extra,
      extraArgs: ['--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET, ...(opts.server?.extraArgs ?? []), ...(extra.extraArgs ?? [])],
    };
    const iso = E2E_CLUSTER ? isolation() : undefined;
    const node = (id: string): ServerOptions => iso ? {
      ...serverOpts,
      extraArgs: [...serverOpts.extraArgs!, '--postgres', DATABASE_URL, '--redis', REDIS_URL, '--node-id', id],
      env: { ...serverOpts.env, DATABASE_SCHEMA: iso.schema, REDIS_PREFIX: iso.prefix },
    } : serverOpts;
    cleanup = iso ? () => dropIsolation(iso.schema, iso.prefix) : undefined;
    e2e.server = new ServerProcess(node('node-a'));
    e2e.other = iso ? new ServerProcess(node('node-b')) : e2e.server;
    // Both start at once; whichever failed, the other is still kept so afterAll stops it.
    const [started, launched] = await Promise.allSettled([
      // Node B after node A: the demo users and group are created once, by A.
      e2e.server.start().then(async (url) => (e2e.other !== e2e.server ? e2e.other.start() : url)),
      ExtensionBrowser.launch({ timeZone: BROWSER_ZONE, ...opts.launch }),
    ]);
    if (launched.status === 'fulfilled') e2e.browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
    [e2e.alice, e2e.bob] = await Promise.all([userClient(e2e.server.url, 'alice'), userClient(e2e.other.url, 'bob')]);
  });
  let cleanup: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await e2e.browser?.close();
    await e2e.server?.dispose();
    if (e2e.other !== e2e.server) await e2e.other?.dispose();
    await cleanup?.();
  });
  return e2e;
}

/** Signs in from the options page by filling the real form and clicking "Sign in". */
export async function signInFromOptions(e2e: Pick<E2E, 'browser' | 'server'>, username = 'alice', locale = 'en'): Promise<Page> {
  const page = await e2e.browser.openPage('options.html');
  await page.locator('#account-serverUrl').fill(e2e.server.url);
  await page.locator('#account-appKey').fill('demo#im');
  await page.locator('#account-username').fill(username);
  await page.locator('#account-password').fill(username);
  await page.getByRole('button', { name: msg('optionsSignIn', [], locale), exact: true }).click();
  await page.getByTestId('signed-in-as').waitFor({ timeout: 15_000 });
  return page;
}

/** Opens the popup as a page and waits until it shows the signed-in status. */
export async function openPopup(e2e: Pick<E2E, 'browser'>): Promise<Page> {
  const page = await e2e.browser.openPage('popup.html');
  await page.getByTestId('status-title').or(page.locator('#signed-out-title')).first().waitFor({ timeout: 10_000 });
  return page;
}

/** Waits until the badge satisfies `ok` and returns it. */
export function waitForBadge(e2e: E2E, what: string, ok: (b: { text: string; title: string }) => boolean) {
  return waitFor(`badge ${what}`, async () => {
    const b = await e2e.browser.badge();
    return ok(b) ? b : undefined;
  });
}
