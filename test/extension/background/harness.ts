/**
 * Test harness for the background: the real platform adapters over @webext-core/fake-browser
 * and fake-indexeddb (each test file mocks webextension-polyfill with the fake), real fetch,
 * and the real server from src/server on 127.0.0.1 port 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeBrowser } from '@webext-core/fake-browser';
import { IDBFactory } from 'fake-indexeddb';
import WebSocket from 'ws';
import { PushClient } from '../../../src/client/index.ts';
import { api } from '../../../src/background/handlers/api.ts';
import { createContext, type Ctx } from '../../../src/background/handlers/context.ts';
import type { BrowserPort, NotificationRequest, SocketLike } from '../../../src/background/handlers/deps.ts';
import { createBrowserPort } from '../../../src/background/platform/browser.ts';
import { openExtensionDb } from '../../../src/background/platform/db.ts';
import { buildApp, type ServerApp } from '../../../src/server/app.ts';
import { makeConfig } from '../../../src/server/config.ts';

export interface MenuRecord {
  id: string;
  title: string;
  contexts: string[];
  parentId?: string;
  documentUrlPatterns?: string[];
}

/** Menus created through the contextMenus stub (the fake has none). */
export const createdMenus: MenuRecord[] = [];

/** Resets the fake browser and gives IndexedDB a fresh factory; call in beforeEach. */
export function resetBrowser(): void {
  fakeBrowser.reset();
  (globalThis as { chrome?: unknown }).chrome = fakeBrowser;
  (globalThis as { indexedDB?: unknown }).indexedDB = new IDBFactory();
  createdMenus.length = 0;
  (fakeBrowser as unknown as { contextMenus: unknown }).contextMenus = {
    removeAll: async () => {
      createdMenus.length = 0;
    },
    create: (item: MenuRecord, cb?: () => void) => {
      createdMenus.push(item);
      cb?.();
      return item.id;
    },
    onClicked: { addListener: () => undefined },
  };
}

/** Requests the extension made, as "METHOD /path?query". */
export type RequestLog = string[];

export interface TestCtxOptions {
  now?: () => number;
  log?: RequestLog;
  browser?: Partial<BrowserPort>;
  subscribeTimeoutMs?: number;
  /** Wraps the network (e.g. to play a server that has a newer field). */
  wrapFetch?: (real: typeof fetch) => typeof fetch;
}

/** A handler context over the real platform adapters (fresh from IndexedDB: a worker start). */
export async function makeCtx(opts: TestCtxOptions = {}): Promise<Ctx> {
  const log = opts.log;
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    log?.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`);
    return fetch(input, init);
  };
  const browser: BrowserPort = {
    ...createBrowserPort(),
    // Node 20 has no global WebSocket; `ws` speaks the same onopen/onmessage API.
    openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    ...opts.browser,
  };
  return createContext({
    browser,
    db: await openExtensionDb(),
    now: opts.now ?? (() => Date.now()),
    makeClient: (c) => new PushClient({ ...c, fetch: opts.wrapFetch ? opts.wrapFetch(recordingFetch) : recordingFetch, retries: 0, timeoutMs: 3_000 }),
    subscribeTimeoutMs: opts.subscribeTimeoutMs ?? 50,
  });
}

/** Stops what a context started (stream), as a worker stop would. */
export function stopCtx(ctx: Ctx): void {
  ctx.runtime.stream?.stop();
  ctx.db.close();
}

export interface RealServer {
  url: string;
  port: number;
  server: ServerApp;
  dataDir: string;
  demoGroupId: string;
  /** Stops listening (the extension sees connection refused). */
  stop(): Promise<void>;
  /** Starts again on the same port and data. */
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

export const CLIENT_ID = 'test-client';
export const CLIENT_SECRET = 'test-secret-0123456789';

/** The real server (demo users alice/bob/carol) on 127.0.0.1, any free port. */
export async function startServer(): Promise<RealServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'impc-bg-'));
  const build = (port: number) =>
    buildApp(makeConfig({ dataDir, port, demo: true, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, logger: false, allowPrivatePushEndpoints: true }));
  let server = await build(0);
  const url = await server.listen();
  const port = Number(new URL(url).port);
  const rs: RealServer = {
    url,
    port,
    server,
    dataDir,
    demoGroupId: server.demoGroupId ?? '',
    async stop() {
      await rs.server.close();
    },
    async start() {
      server = await build(port);
      rs.server = server;
      await server.listen();
    },
    async cleanup() {
      await rs.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return rs;
}

export interface SignedIn {
  srv: RealServer;
  ctx: Ctx;
  /** Notifications the context showed, in order. */
  shown: NotificationRequest[];
  /** Tabs it opened (URLs), in order. */
  opened: string[];
}

/**
 * A fresh browser and server, and a context signed in as alice with her settings fetched, its
 * notifications and opened tabs recorded: where the handler tests of user actions start.
 * `opts.browser` adds to (or replaces) those two recorders.
 */
export async function startSignedIn(opts: TestCtxOptions = {}): Promise<SignedIn> {
  resetBrowser();
  const srv = await startServer();
  const shown: NotificationRequest[] = [];
  const opened: string[] = [];
  try {
    const ctx = await makeCtx({
      ...opts,
      browser: { showNotification: async (n) => void shown.push(n), openTab: async (u) => void opened.push(u), ...opts.browser },
    });
    await api.signIn(ctx, { serverUrl: srv.url, appKey: 'demo#im', username: 'alice', password: 'alice' });
    await api.refresh(ctx);
    return { srv, ctx, shown, opened };
  } catch (err) {
    // The caller never gets the server to clean up.
    await srv.cleanup();
    throw err;
  }
}

/** A separate client signed in as `user` (another device), to look at the server's state. */
export async function otherDevice(url: string, user: string): Promise<PushClient> {
  const c = new PushClient({ baseUrl: url, appKey: 'demo#im', retries: 0 });
  await c.signIn({ username: user, password: user });
  return c;
}

/** An app-token client for admin calls. */
export async function adminClient(url: string): Promise<PushClient> {
  const c = new PushClient({ baseUrl: url, appKey: 'demo#im', retries: 0 });
  const res = await fetch(`${url}/demo/im/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
  });
  const body = (await res.json()) as { access_token: string };
  c.setSession(body.access_token, 'admin');
  return c;
}

/** Waits until `check` holds (polling), failing after `ms`. */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
