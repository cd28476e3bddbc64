/**
 * The built extension (dist/) loaded into real headless Chromium through playwright-core, with a
 * CDP session on the browser for service-worker control (restart, push delivery).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type CDPSession, chromium, type Page, type Worker } from 'playwright-core';
import { CHROMIUM } from './chromium.ts';
import { ROOT } from './server.ts';
import { waitFor } from './wait.ts';
import type { WorkerScope } from './worker-chrome.ts';

/** The built extension; E2E_DIST overrides it (e.g. a private build while others rebuild dist/). */
export const DIST = process.env.E2E_DIST ?? join(ROOT, 'dist');

export interface LaunchOptions {
  /** UI language, e.g. 'zh-CN' (sets --lang and LANGUAGE). */
  readonly lang?: string;
  /** IANA zone the browser runs in (TZ of the browser process). */
  readonly timeZone?: string;
  /** Page viewport; default 420×640. */
  readonly viewport?: { width: number; height: number };
}

/** One browser with the extension loaded. */
export class ExtensionBrowser {
  private registrationId = '';
  private constructor(
    readonly context: BrowserContext,
    readonly worker: Worker,
    readonly extensionId: string,
    readonly cdp: CDPSession,
    private readonly profileDir: string,
  ) {}

  /** Launches Chromium with dist/ loaded and waits for the extension's service worker. */
  static async launch(opts: LaunchOptions = {}): Promise<ExtensionBrowser> {
    if (!existsSync(join(DIST, 'manifest.json'))) throw new Error(`${DIST}/manifest.json is missing: run \`npm run build:test\` first (the test build, with the hooks)`);
    const profileDir = mkdtempSync(join(tmpdir(), 'impc-e2e-profile-'));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    if (opts.lang) env.LANGUAGE = opts.lang.replace('-', '_');
    if (opts.timeZone) env.TZ = opts.timeZone;
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      env,
      ...(opts.lang ? { locale: opts.lang } : {}),
      ...(opts.timeZone ? { timezoneId: opts.timeZone } : {}),
      viewport: opts.viewport ?? { width: 420, height: 640 },
      args: [
        `--disable-extensions-except=${DIST}`, `--load-extension=${DIST}`, '--no-sandbox', '--disable-gpu',
        '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--no-first-run', ...(opts.lang ? [`--lang=${opts.lang}`] : []),
      ],
    });
    try {
      const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
      const extensionId = new URL(worker.url()).host;
      // A persistent context has no Browser object; a page session reaches the ServiceWorker domain too.
      const cdpPage = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(cdpPage);
      const b = new ExtensionBrowser(context, worker, extensionId, cdp, profileDir);
      await b.enableServiceWorkerDomain();
      return b;
    } catch (e) {
      await context.close().catch(() => undefined);
      throw e;
    }
  }

  private async enableServiceWorkerDomain(): Promise<void> {
    const scope = `chrome-extension://${this.extensionId}/`;
    this.cdp.on('ServiceWorker.workerRegistrationUpdated', (ev: { registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] }) => {
      for (const r of ev.registrations) if (r.scopeURL === scope && !r.isDeleted) this.registrationId = r.registrationId;
    });
    await this.cdp.send('ServiceWorker.enable');
  }

  /** chrome-extension:// URL of a page of the extension. */
  url(page: string): string {
    return `chrome-extension://${this.extensionId}/${page}`;
  }

  /** Opens an extension page (popup.html, options.html) in a new tab. */
  async openPage(page: 'popup.html' | 'options.html', query = ''): Promise<Page> {
    const p = await this.context.newPage();
    await p.goto(this.url(page) + query);
    return p;
  }

  /** Runs a function in the service worker (chrome.* and the worker's globals). */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    // playwright's overloads cannot relate a generic A to its Unboxed<A>; the call is the same.
    return (this.worker.evaluate as (f: unknown, a: unknown) => Promise<R>).call(this.worker, fn, arg);
  }

  /** The toolbar badge text and tooltip. */
  async badge(): Promise<{ text: string; title: string }> {
    return this.evaluate(async () => {
      const c = (globalThis as unknown as WorkerScope).chrome;
      return { text: await c.action.getBadgeText({}), title: await c.action.getTitle({}) };
    });
  }

  /** Stops the extension's service worker for real (memory is lost, IndexedDB stays). */
  async stopWorkers(): Promise<void> {
    await this.cdp.send('ServiceWorker.stopAllWorkers');
  }

  /** Delivers a Web Push message to the extension's worker, as the browser's push service would. */
  async deliverPush(data: string): Promise<void> {
    const registrationId = await waitFor('the service worker registration id', () => this.registrationId || undefined);
    await this.cdp.send('ServiceWorker.deliverPushMessage', {
      origin: `chrome-extension://${this.extensionId}`,
      registrationId,
      data,
    });
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}
