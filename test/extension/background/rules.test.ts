/**
 * SPEC 1.7 in the background: rules written through the outbox (validated, applied at once,
 * kept while the server is away), the popup's rule in force, recent senders as suggestions,
 * recent activity and "Would this notify me?" against the real server, and summary pushes.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../src/background/handlers/api.ts';
import type { Ctx } from '../../../src/background/handlers/context.ts';
import type { NotificationRequest } from '../../../src/background/handlers/deps.ts';
import { handlePushPayload } from '../../../src/background/handlers/incoming.ts';
import { handleNotificationClick } from '../../../src/background/handlers/notifications.ts';
import { otherDevice, type RealServer, startSignedIn, stopCtx } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

let srv: RealServer;
let ctx: Ctx;
let shown: NotificationRequest[];
let opened: string[];
const HOUR = 3_600_000;

beforeEach(async () => {
  ({ srv, ctx, shown, opened } = await startSignedIn({
    browser: { listTabs: async () => [], extensionUrl: (p) => `chrome-extension://impc/${p}` },
  }));
});
afterEach(async () => {
  // Background work started by the calls (refresh, push registration) ends before the db closes.
  await Promise.allSettled([ctx.runtime.refreshing, ctx.runtime.flushing, ctx.runtime.registering]);
  ctx.runtime.stream?.stop();
  // A push already taken from the stream finishes its IndexedDB writes.
  await new Promise((r) => setTimeout(r, 200));
  stopCtx(ctx);
  await srv?.cleanup();
});

const readServer = async () => (await (await otherDevice(srv.url, 'alice')).getSilentModeForAll()).data as Record<string, unknown>;

describe('setPushRules', () => {
  it('saves schedule, people, keywords and the summary switch on the server, and caches them', async () => {
    const s = await api.setPushRules(ctx, {
      quietSchedule: [{ days: ['mon', 'tue', 'wed', 'thu'], interval: '22:0-7:0' }],
      prioritySenders: ['Bob'],
      keywords: [' release ', 'Release', '发布'],
      summary: true,
    });
    expect(s.pending).toBe(0);
    expect(s.app).toMatchObject({
      quietSchedule: [{ days: ['mon', 'tue', 'wed', 'thu'], interval: { start: 1320, end: 420 } }],
      prioritySenders: ['bob'],
      keywords: ['release', '发布'],
      summary: true,
    });
    expect(await readServer()).toMatchObject({
      quietSchedule: [{ days: ['mon', 'tue', 'wed', 'thu'], interval: '22:0-7:0' }],
      prioritySenders: ['bob'],
      keywords: ['release', '发布'],
      summary: true,
    });
    // Each field replaces only itself.
    await api.setPushRules(ctx, { keywords: [] });
    expect(await readServer()).toMatchObject({ keywords: [], prioritySenders: ['bob'], summary: true });
  });

  it('refuses bad input with the field named, before anything is queued', async () => {
    await expect(api.setPushRules(ctx, { keywords: ['ok', 'x'.repeat(41)] })).rejects.toMatchObject({ code: 'invalid_argument', field: 'keywords[1]' });
    await expect(api.setPushRules(ctx, { prioritySenders: ['no spaces'] })).rejects.toMatchObject({ field: 'prioritySenders[0]' });
    await expect(api.setPushRules(ctx, { quietSchedule: [{ days: ['mon', 'mon'], interval: '1:0-2:0' }] })).rejects.toMatchObject({ field: expect.stringMatching(/^quietSchedule\[0\]\.days/) });
    await expect(api.setPushRules(ctx, { windowSkipUntil: 1 } as never)).rejects.toMatchObject({ field: 'windowSkipUntil' });
    expect((await api.getStatus(ctx, {})).pending).toBe(0);
  });

  it('while the server is away the rules wait in the outbox, apply at once, and are sent when it is back', async () => {
    await srv.stop();
    const s = await api.setPushRules(ctx, { prioritySenders: ['carol'], summary: true });
    expect(s.pending).toBe(1);
    expect(s.pendingChanges).toEqual([{ kind: 'rules' }]);
    expect(s.app).toMatchObject({ prioritySenders: ['carol'], summary: true });
    await srv.start();
    await api.refresh(ctx);
    expect((await api.getStatus(ctx, {})).pending).toBe(0);
    expect(await readServer()).toMatchObject({ prioritySenders: ['carol'], summary: true });
  });

  it('the status names the schedule entry in force, and "not tonight" skips it', async () => {
    const every = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
    const s = await api.setPushRules(ctx, { quietSchedule: [{ days: every, interval: '0:0-23:59' }] });
    expect(s.quiet).toMatchObject({ quiet: true, reason: 'DND_APP_WINDOW', rule: { kind: 'schedule', entryIndex: 0 } });
    expect(await (await import('@webext-core/fake-browser')).fakeBrowser.action.getTitle({})).toMatch(/^Quiet until .+ — every day .+–.+ \(/);
    const skipped = await api.skipWindow(ctx, { until: Date.now() + HOUR });
    expect(skipped.quiet.quiet).toBe(false);
    expect((await readServer()).windowSkipUntil).toBeGreaterThan(Date.now());
  });
});

describe('recent senders, activity and check', () => {
  it('suggests people who pushed lately (not the user), latest first, with nicknames', async () => {
    await handlePushPayload(ctx, { v: 1, m: 'a1', t: 'alice', f: 'bob', conversation: { id: 'bob', type: 'singleChat' }, title: 'Bob B.', body: 'hi', badge: 1, ts: 1 });
    await handlePushPayload(ctx, { v: 1, m: 'a2', t: 'alice', f: 'carol', g: 'g1', conversation: { id: 'g1', type: 'groupChat' }, title: 'Carol', body: 'hi', badge: 2, ts: 2 });
    const { senders } = await api.getRecentSenders(ctx);
    expect(senders.slice(0, 2)).toEqual([{ username: 'carol' }, { username: 'bob', name: 'Bob B.' }]);
  });

  it('turns the trace into items with chat names, and answers "would this notify me?"', async () => {
    await api.setPushRules(ctx, { quietSchedule: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], interval: '0:0-0:0' }], prioritySenders: ['bob'] });
    const bob = await otherDevice(srv.url, 'bob');
    const carol = await otherDevice(srv.url, 'carol');
    const g = srv.demoGroupId;
    await api.listConversations(ctx);
    await bob.request({ method: 'POST', path: '/messages/chatgroups', body: { from: 'bob', to: [g], type: 'txt', body: { msg: 'from a priority person' } }, idempotent: false });
    await carol.request({ method: 'POST', path: '/messages/chatgroups', body: { from: 'carol', to: [g], type: 'txt', body: { msg: 'held' } }, idempotent: false });
    let items: Awaited<ReturnType<typeof api.getActivity>>['items'] = [];
    for (let i = 0; i < 50 && items.length < 2; i++) {
      items = (await api.getActivity(ctx, {})).items;
      if (items.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    const fromBob = items.find((i) => i.from === 'bob');
    const fromCarol = items.find((i) => i.from === 'carol');
    expect(fromCarol).toMatchObject({ push: false, reason: 'DND_APP_WINDOW', conversation: { id: g, type: 'groupChat' } });
    expect(fromCarol?.chatName).toBeTruthy();
    expect(fromBob).toMatchObject({ via: 'PRIORITY_SENDER', conversation: { id: g, type: 'groupChat' } });

    expect(await api.checkPush(ctx, { conversation: { id: g, type: 'groupChat' }, from: 'bob' })).toMatchObject({ push: true, reason: 'PUSH', via: 'PRIORITY_SENDER' });
    const held = await api.checkPush(ctx, { conversation: { id: g, type: 'groupChat' }, from: 'carol', text: '' });
    expect(held).toMatchObject({ push: false, reason: 'DND_APP_WINDOW' });
    await expect(api.checkPush(ctx, { conversation: { id: g, type: 'groupChat' }, from: 'not a name' })).rejects.toMatchObject({ code: 'invalid_argument', field: 'from' });
    await expect(api.getActivity(ctx, { limit: 0 })).rejects.toMatchObject({ field: 'limit' });
  });
});

describe('summary pushes', () => {
  const summary = (m: string, over: Record<string, unknown> = {}) => ({
    v: 1, kind: 'summary', m, t: 'alice', count: 12, mentions: 2, since: 1, badge: 12, ts: 2,
    conversations: [{ id: 'g1', type: 'groupChat', count: 8, mentions: 2 }, { id: 'bob', type: 'singleChat', count: 3, mentions: 0 }, { id: 'carol', type: 'singleChat', count: 1, mentions: 0 }],
    ...over,
  });

  it('are worded, shown once per id, name known chats, and a click opens recent activity', async () => {
    await ctx.db.putConversation({ conversation: { id: 'g1', type: 'groupChat' }, settings: { durationUntil: 0 }, seenAt: 0, name: 'Design team' });
    expect(await handlePushPayload(ctx, summary('s1'))).toBe(true);
    expect(await handlePushPayload(ctx, summary('s1'))).toBe(false);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({
      tag: 's1',
      title: 'While you were quiet',
      body: '12 messages in 3 chats, 2 mention you\nDesign team: 8 · bob: 3 · carol: 1',
      data: { m: 's1', kind: 'summary' },
    });
    expect(shown[0]?.muteActionTitle).toBeUndefined();
    expect(await ctx.db.shown()).toContainEqual(expect.objectContaining({ id: 's1', kind: 'summary' }));
    expect(await ctx.db.get('offlineCount')).toBe(12);
    await handleNotificationClick(ctx, '', shown[0]?.data);
    expect(opened).toEqual(['chrome-extension://impc/options.html#activity']);
  });

  it('singular forms, no mentions, and more chats than the payload lists', async () => {
    await handlePushPayload(ctx, summary('s2', { count: 1, mentions: 0, conversations: [{ id: 'bob', type: 'singleChat', count: 1, mentions: 0 }] }));
    expect(shown.at(-1)?.body).toBe('1 message in 1 chat\nbob: 1');
    const five = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, type: 'singleChat', count: 1, mentions: 0 }));
    await handlePushPayload(ctx, summary('s3', { count: 9, mentions: 1, conversations: five }));
    expect(shown.at(-1)?.body.split('\n')[0]).toBe('9 messages in more than 5 chats, 1 mentions you');
  });
});
