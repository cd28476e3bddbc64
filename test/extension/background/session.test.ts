/** The session: the password is never stored, expiry is noticed, sign-out unbinds. */
import { fakeBrowser } from '@webext-core/fake-browser';
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../src/background/handlers/api.ts';
import type { Ctx } from '../../../src/background/handlers/context.ts';
import type { StoredSession } from '../../../src/background/handlers/deps.ts';
import { onAlarm } from '../../../src/background/handlers/lifecycle.ts';
import { registerPush } from '../../../src/background/handlers/push.ts';
import { EXPIRY_ALARM, SESSION_KEY } from '../../../src/background/handlers/session.ts';
import { DB_NAME } from '../../../src/background/platform/db.ts';
import { adminClient, eventually, makeCtx, otherDevice, type RealServer, resetBrowser, startServer, stopCtx } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

let srv: RealServer;
let ctx: Ctx | undefined;
const PASSWORD = 'alice';

beforeEach(async () => {
  resetBrowser();
  srv = await startServer();
});
afterEach(async () => {
  if (ctx) stopCtx(ctx);
  ctx = undefined;
  await srv?.cleanup();
});

/** Every value in every IndexedDB store of the extension, as one JSON text. */
async function dumpIndexedDb(): Promise<string> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DB_NAME);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const out: unknown[] = [];
  for (const name of Array.from(db.objectStoreNames)) {
    const all = await new Promise<unknown[]>((resolve) => {
      const req = db.transaction(name).objectStore(name).getAll();
      req.onsuccess = () => resolve(req.result);
    });
    out.push(name, all);
  }
  db.close();
  return JSON.stringify(out);
}

describe('session', () => {
  it('stores the token but never the password', async () => {
    ctx = await makeCtx();
    // A user whose password appears nowhere else (not a username, key or URL).
    const secret = 'Pa55-word-only-here';
    const admin = await adminClient(srv.url);
    await admin.request({ method: 'POST', path: '/users', body: { username: 'dora', password: secret }, idempotent: false });
    const status = await api.signIn(ctx, { serverUrl: srv.url, appKey: 'demo#im', username: 'Dora', password: secret });
    expect(status.session).toEqual({ signedIn: true, serverUrl: srv.url, appKey: 'demo#im', username: 'dora', expired: false });
    await api.refresh(ctx);
    await registerPush(ctx);
    const storage = JSON.stringify(await fakeBrowser.storage.local.get(null));
    const idb = await dumpIndexedDb();
    expect(storage).toContain('"token"');
    for (const text of [storage, idb]) {
      expect(text).not.toContain('"password"');
      expect(text).not.toContain(secret);
    }
  });

  it('refuses a wrong password as bad input on the password field', async () => {
    ctx = await makeCtx();
    await expect(api.signIn(ctx, { serverUrl: srv.url, appKey: 'demo#im', username: 'alice', password: 'nope' })).rejects.toMatchObject({ code: 'invalid_argument', field: 'password' });
    await expect(api.signIn(ctx, { serverUrl: 'ftp://x', appKey: 'demo#im', username: 'alice', password: 'a' })).rejects.toMatchObject({ field: 'serverUrl' });
    await expect(api.signIn(ctx, { serverUrl: srv.url, appKey: 'demo', username: 'alice', password: 'a' })).rejects.toMatchObject({ field: 'appKey' });
    // The field at fault, in words: a wrong app key on a real server, or an address that is not one.
    await expect(api.signIn(ctx, { serverUrl: srv.url, appKey: 'acme#chat', username: 'alice', password: 'alice' })).rejects.toMatchObject({
      code: 'invalid_argument', field: 'appKey', message: 'This server has no app “acme#chat”. Check the app key (org#app) and the server address.',
    });
    expect((await api.getStatus(ctx, { tabUrl: '' })).session.signedIn).toBe(false);
  });

  it('marks the session expired at the token expiry and when the server refuses the token', async () => {
    let now = Date.now();
    ctx = await makeCtx({ now: () => now });
    await api.signIn(ctx, { serverUrl: srv.url, appKey: 'demo#im', username: 'alice', password: PASSWORD });
    const stored = (await fakeBrowser.storage.local.get(SESSION_KEY))[SESSION_KEY] as StoredSession;
    expect((await fakeBrowser.alarms.get(EXPIRY_ALARM))?.scheduledTime).toBe(stored.expiresAt);

    now = stored.expiresAt;
    await onAlarm(ctx, EXPIRY_ALARM);
    let s = await api.getStatus(ctx, { tabUrl: '' });
    expect(s.session.expired).toBe(true);
    expect(s.badge.text).toBe('!');

    // Signing in again; then the server forgets the token (a new data folder = new tokens).
    now = Date.now();
    await api.signIn(ctx, { serverUrl: srv.url, appKey: 'demo#im', username: 'alice', password: PASSWORD });
    // Let the refresh and push registration that sign-in started finish with the good token.
    await ctx.runtime.refreshing?.catch(() => undefined);
    await ctx.runtime.registering?.catch(() => undefined);
    await fakeBrowser.storage.local.set({ [SESSION_KEY]: { ...((await fakeBrowser.storage.local.get(SESSION_KEY))[SESSION_KEY] as StoredSession), token: 'forged-token' } });
    ctx.runtime.client = undefined;
    await expect(api.refresh(ctx)).rejects.toMatchObject({ code: 'session_expired' });
    s = await api.getStatus(ctx, { tabUrl: '' });
    expect(s.session.expired).toBe(true);
    expect(s.badge).toMatchObject({ text: '!', title: 'Session expired — sign in again' });
    await expect(api.pause(ctx, { durationMs: 60_000 })).resolves.toMatchObject({ pending: 1 });
  });

  it('sign-out unbinds the push token first, then forgets everything', async () => {
    ctx = await makeCtx();
    await api.signIn(ctx, { serverUrl: srv.url, appKey: 'demo#im', username: 'alice', password: PASSWORD });
    await registerPush(ctx);
    const other = await otherDevice(srv.url, 'alice');
    const bindings = async () => (await other.request<Array<{ device_id: string; notifier_name: string }>>({ method: 'GET', path: '/users/alice/push/binding', idempotent: true })).data;
    const resource = (await fakeBrowser.storage.local.get('resource')).resource as string;
    expect(await bindings()).toEqual([expect.objectContaining({ device_id: resource, notifier_name: expect.any(String) })]);
    await eventually(async () => (await api.getPushStatus(ctx!)).streamConnected, 5_000, 'stream connected');

    const s = await api.signOut(ctx);
    expect(s.session.signedIn).toBe(false);
    expect(s.badge.text).toBe('!');
    expect(await bindings()).toEqual([]);
    expect((await fakeBrowser.storage.local.get(SESSION_KEY))[SESSION_KEY]).toBeUndefined();
    expect(await ctx.db.get('app')).toBeUndefined();
    expect(s.push.streamConnected).toBe(false);
  });
});
