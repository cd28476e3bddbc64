/** The outbox: writes made while the server is down survive a worker restart and go out in order. */
import { fakeBrowser } from '@webext-core/fake-browser';
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../src/background/handlers/api.ts';
import { onAlarm, onWorkerStart } from '../../../src/background/handlers/lifecycle.ts';
import { OUTBOX_ALARM, retryDelay } from '../../../src/background/handlers/outbox.ts';
import { adminClient, makeCtx, otherDevice, type RealServer, resetBrowser, startServer, stopCtx } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

let srv: RealServer;
beforeEach(async () => {
  resetBrowser();
  srv = await startServer();
});
afterEach(async () => {
  await srv?.cleanup();
});

const signIn = { appKey: 'demo#im', username: 'alice', password: 'alice' };

describe('outbox', () => {
  it('keeps writes made while the server is down, survives a worker restart, and sends them in order', async () => {
    const ctx = await makeCtx();
    await api.signIn(ctx, { ...signIn, serverUrl: srv.url });
    await api.refresh(ctx);
    await srv.stop();

    // Three writes to the same field plus a window: only the order decides the final state.
    await api.setAppRemindType(ctx, { remindType: 'AT' });
    await api.setAppRemindType(ctx, { remindType: 'NONE' });
    await api.setQuietHours(ctx, { window: { start: { hours: 22, minutes: 0 }, end: { hours: 7, minutes: 30 } } });
    const s = await api.setAppRemindType(ctx, { remindType: 'AT' });
    expect(s.pending).toBe(4);
    expect(s.app?.type).toBe('AT'); // optimistic
    expect(s.syncError).toMatch(/cannot reach/);
    expect(s.badge.text).toBe('!');
    const alarm = await fakeBrowser.alarms.get(OUTBOX_ALARM);
    expect(alarm).toBeDefined();

    // The worker stops: memory is gone, IndexedDB and storage stay.
    stopCtx(ctx);
    await srv.start();
    const ctx2 = await makeCtx();
    expect((await api.getStatus(ctx2, { tabUrl: '' })).pending).toBe(4);
    await onAlarm(ctx2, OUTBOX_ALARM);
    const after = await api.getStatus(ctx2, { tabUrl: '' });
    expect(after.pending).toBe(0);
    expect(after.syncError).toBe('');

    const bob = await otherDevice(srv.url, 'alice');
    const server = (await bob.getSilentModeForAll()).data as { type: string; ignoreInterval: string; timeZone: string };
    expect(server.type).toBe('AT');
    expect(server.ignoreInterval).toBe('22:0-7:30');
    expect(server.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    stopCtx(ctx2);
  });

  it('flushes queued writes oldest first: the requests go out in the order the writes were made, and the last write to a field wins', async () => {
    const log: string[] = [];
    const ctx = await makeCtx({ log });
    await api.signIn(ctx, { ...signIn, serverUrl: srv.url });
    await api.refresh(ctx);
    await srv.stop();
    // Different targets first (their order shows in the requests), then one field written twice
    // with different values (its order shows in the server's final state).
    await api.setConversation(ctx, { conversation: { id: 'bob', type: 'singleChat' }, remindType: 'NONE' });
    await api.setConversation(ctx, { conversation: { id: 'carol', type: 'singleChat' }, remindType: 'AT' });
    await api.setAppRemindType(ctx, { remindType: 'AT' });
    await api.setAppRemindType(ctx, { remindType: 'NONE' });
    expect((await api.getStatus(ctx, { tabUrl: '' })).pending).toBe(4);
    await srv.start();
    log.length = 0;
    await onAlarm(ctx, OUTBOX_ALARM);
    expect((await api.getStatus(ctx, { tabUrl: '' })).pending).toBe(0);

    const writes = log.filter((r) => r.startsWith('PUT '));
    expect(writes.map((r) => r.split('?')[0])).toEqual([
      'PUT /demo/im/users/alice/notification/user/bob',
      'PUT /demo/im/users/alice/notification/user/carol',
      'PUT /demo/im/users/alice/notification/user/alice',
      'PUT /demo/im/users/alice/notification/user/alice',
    ]);
    const bob = await otherDevice(srv.url, 'alice');
    expect(((await bob.getSilentModeForAll()).data as { type: string }).type).toBe('NONE');
    stopCtx(ctx);
  });

  it('retries with growing backoff on an alarm while the server stays down', async () => {
    const t0 = Date.now();
    let now = t0;
    const ctx = await makeCtx({ now: () => now });
    await api.signIn(ctx, { ...signIn, serverUrl: srv.url });
    await srv.stop();
    await api.pause(ctx, { durationMs: 3_600_000 });
    expect((await fakeBrowser.alarms.get(OUTBOX_ALARM))?.scheduledTime).toBe(now + retryDelay(1));
    now += retryDelay(1);
    await onAlarm(ctx, OUTBOX_ALARM);
    expect((await fakeBrowser.alarms.get(OUTBOX_ALARM))?.scheduledTime).toBe(now + retryDelay(2));
    expect(retryDelay(2)).toBe(2 * retryDelay(1));
    await srv.start();
    const sentFrom = Date.now();
    await onWorkerStart(ctx);
    const sentBy = Date.now();
    expect((await api.getStatus(ctx, { tabUrl: '' })).pending).toBe(0);
    expect(await fakeBrowser.alarms.get(OUTBOX_ALARM)).toBeUndefined();
    // The pause was sent as what was left of it, so it ends when the user meant it to.
    const server = (await (await otherDevice(srv.url, 'alice')).getSilentModeForAll()).data as { ignoreDuration: number };
    // The worker's clock moved 5 s since the pause was made; the server's clock is real and read
    // while the write was being sent, so the end lies in that bracket (however long sending took).
    const left = 3_600_000 - (now - t0);
    expect(server.ignoreDuration).toBeGreaterThanOrEqual(sentFrom + left);
    expect(server.ignoreDuration).toBeLessThanOrEqual(sentBy + left);
    stopCtx(ctx);
  });

  it('drops a write the server refuses (4xx), says why, and re-reads the settings', async () => {
    const ctx = await makeCtx();
    await api.signIn(ctx, { ...signIn, serverUrl: srv.url });
    await api.refresh(ctx);
    const admin = await adminClient(srv.url);
    await admin.request({ method: 'PUT', path: '/push/features', body: { advanced: false }, idempotent: true });

    const s = await api.setAppRemindType(ctx, { remindType: 'NONE' });
    expect(s.pending).toBe(0);
    expect(s.syncError).not.toBe('');
    expect(s.app?.type).toBe('ALL'); // re-read from the server, the refused write is gone
    expect(s.badge.text).not.toBe('!'); // a refused write is not a failing sync
    stopCtx(ctx);
  });

  it('refuses bad input with the field named and queues nothing', async () => {
    const ctx = await makeCtx();
    await api.signIn(ctx, { ...signIn, serverUrl: srv.url });
    await expect(api.pause(ctx, { durationMs: -5 })).rejects.toMatchObject({ code: 'invalid_argument', field: 'options.duration' });
    await expect(api.setAppRemindType(ctx, { remindType: 'LOUD' as never })).rejects.toMatchObject({ code: 'invalid_argument', field: 'options.remindType' });
    await expect(api.setQuietHours(ctx, { window: { start: { hours: 24, minutes: 0 }, end: { hours: 7, minutes: 0 } } })).rejects.toMatchObject({ code: 'invalid_argument', field: 'window.start.hours' });
    await expect(api.setConversation(ctx, { conversation: { id: '', type: 'singleChat' }, durationMs: 1 })).rejects.toMatchObject({ code: 'invalid_argument', field: 'conversation.id' });
    await expect(api.setLanguage(ctx, { language: 'klingon' })).rejects.toMatchObject({ code: 'invalid_argument', field: 'language' });
    expect((await api.getStatus(ctx, { tabUrl: '' })).pending).toBe(0);
    stopCtx(ctx);
  });

  it('a write queued while a flush is already sending goes out in that same flush', async () => {
    const base = await makeCtx();
    await api.signIn(base, { ...signIn, serverUrl: srv.url });
    await api.refresh(base);
    // The pause is queued right after the flush has read the outbox (as a popup click during a send would).
    let injected = false;
    const db = Object.assign(Object.create(Object.getPrototypeOf(base.db) as object) as typeof base.db, base.db, {
      outboxAll: async () => {
        const list = await base.db.outboxAll();
        if (!injected && list.length > 0) {
          injected = true;
          await base.db.outboxAdd({ kind: 'app', options: { paramType: 1, duration: 3_600_000 } }, Date.now());
        }
        return list;
      },
    });
    const ctx = { ...base, db };
    await api.setAppRemindType(ctx, { remindType: 'AT' });
    await ctx.runtime.flushing;
    expect(await base.db.outboxAll()).toEqual([]);
    const server = (await (await otherDevice(srv.url, 'alice')).getSilentModeForAll()).data as { type: string; ignoreDuration: number };
    expect(server.type).toBe('AT');
    expect(server.ignoreDuration).toBeGreaterThan(Date.now());
    stopCtx(base);
  });
});
