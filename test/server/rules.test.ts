/**
 * SPEC 1.7–1.8 through REST, end to end to a verified Web Push service: the weekly schedule and
 * skip-once, priority senders through quiet hours, keywords and direct messages as mentions,
 * via/mention in the trace, the check endpoint, and the summary when quiet ends (one per user,
 * with the right counts, none when nothing was held or a device came online, moved when the
 * quiet time is edited, and sent after a restart). Runs on one node and on a two-node cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePushService, type ReceivedPush, startPushService } from '../fakes/push-service.ts';
import { call, connectIm, createGroup, eventually, register, send, signIn, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
let svc: FakePushService;
const tokens: Record<string, string> = {};
const USERS = ['ana', 'ben', 'cy', 'dee', 'eli', 'fay', 'gus', 'hal', 'ivy', 'jo', 'lou', 'max'];
type TraceItem = { messageId: string; push: boolean; reason: string; via?: string; mention?: string; from?: string; summary?: { count: number; mentions: number; conversations: number } };

beforeAll(async () => {
  svc = await startPushService();
  s = await startTestServer({ push: { ca: svc.ca } as never });
  svc.expectVapidKey(s.server.ctx.vapid.publicKey);
  await register(s, ...USERS);
  for (const u of USERS) tokens[u] = await signIn(s, u);
});
afterAll(async () => {
  await s.close();
  await svc.stop();
});

async function bind(user: string): Promise<string> {
  const sub = svc.createSubscription();
  const r = await call(s.base, 'PUT', `/users/${user}/push/binding`, { token: tokens[user], body: { device_id: `${user}-web`, device_token: JSON.stringify(sub), notifier_name: 'webpush' } });
  expect(r.status).toBe(200);
  return sub.endpoint;
}
const setApp = (user: string, body: unknown) => call<{ data: Record<string, unknown> }>(s.base, 'PUT', `/users/${user}/notification/user/${user}`, { token: tokens[user], body });
async function trace(user: string, id: string): Promise<TraceItem> {
  return eventually(async () => {
    const r = await call<{ data: TraceItem[] }>(s.base, 'GET', `/users/${user}/notification/trace?limit=50`, { token: tokens[user] });
    return r.json.data.find((t) => t.messageId === id);
  }, 5000, `the trace of ${id}`);
}
const dm = async (from: string, to: string, text: string, extra: Record<string, unknown> = {}) => (await send(s, tokens[from]!, 'users', [to], text, extra))[to]!;
const pushedTo = (endpoint: string, pred: (p: ReceivedPush) => boolean = () => true) => svc.pushesFor(endpoint).filter(pred);

describe('settings of SPEC 1.7 on the app-settings path', () => {
  it('stores each field, reads them all back, and refuses bad ones naming field, value and what is allowed, changing nothing', async () => {
    const body = {
      quietSchedule: [{ days: ['mon', 'tue', 'wed', 'thu'], interval: '22:0-7:0' }, { days: ['sat', 'sun'], interval: '0:0-0:0' }],
      prioritySenders: ['Boss', 'boss', 'mum'], keywords: [' Release ', 'release', '发布'], summary: true,
    };
    const r = await setApp('ana', body);
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ quietSchedule: body.quietSchedule, prioritySenders: ['boss', 'mum'], keywords: ['Release', '发布'], summary: true, windowSkipUntil: 0 });
    const before = (await call<{ data: unknown }>(s.base, 'GET', '/users/ana/notification/user/ana', { token: tokens.ana })).json.data;
    expect(before).toEqual(r.json.data);
    for (const bad of [
      { quietSchedule: [{ days: ['fri', 'fri'], interval: '22:0-7:0' }] },
      { quietSchedule: [{ days: ['fri'], interval: '25:0-7:0' }] },
      { keywords: ['x'.repeat(41)] },
      { prioritySenders: ['not a name!'] },
      { windowSkipUntil: Date.now() + 2 * 86_400_000 },
      { summary: 'yes' },
    ]) {
      const res = await setApp('ana', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(String((res.json as unknown as { error_description: string }).error_description)).toMatch(Object.keys(bad)[0]!);
    }
    expect((await call<{ data: unknown }>(s.base, 'GET', '/users/ana/notification/user/ana', { token: tokens.ana })).json.data).toEqual(before);
    // [] clears.
    const cleared = await setApp('ana', { quietSchedule: [], prioritySenders: [], keywords: [], summary: false });
    expect(cleared.json.data).toMatchObject({ quietSchedule: [], prioritySenders: [], keywords: [], summary: false });
  });
});

describe('the decision with SPEC 1.7 inputs', () => {
  it('a priority sender goes through quiet hours while others are held, and the trace says how', async () => {
    const ep = await bind('ben');
    expect((await setApp('ben', { ignoreInterval: '0:0-23:59', timeZone: 'UTC', prioritySenders: ['cy'] })).status).toBe(200);
    const held = await dm('dee', 'ben', 'from someone');
    const through = await dm('cy', 'ben', 'from the boss');
    await eventually(() => (pushedTo(ep, (p) => p.payload?.m === through).length ? true : undefined), 5000, 'the priority push');
    expect(pushedTo(ep, (p) => p.payload?.m === held)).toEqual([]);
    expect(await trace('ben', held)).toMatchObject({ push: false, reason: 'DND_APP_WINDOW', from: 'dee', mention: 'DIRECT' });
    expect(await trace('ben', through)).toMatchObject({ push: true, reason: 'PUSH', via: 'PRIORITY_SENDER', mention: 'DIRECT' });
    // Skip once: the window is not in force until then.
    expect((await setApp('ben', { windowSkipUntil: Date.now() + 3_600_000 })).status).toBe(200);
    const skipped = await dm('dee', 'ben', 'not tonight');
    await eventually(() => (pushedTo(ep, (p) => p.payload?.m === skipped).length ? true : undefined), 5000, 'the push while skipped');
  });

  it('mentions only: a keyword in a group and a direct message notify, other group messages do not', async () => {
    const ep = await bind('eli');
    expect((await setApp('eli', { type: 'AT', keywords: ['deploy'] })).status).toBe(200);
    const g = await createGroup(s, 'fay', ['eli', 'gus']);
    const plain = (await send(s, tokens.fay!, 'chatgroups', [g], 'lunch anyone?'))[g]!;
    const keyword = (await send(s, tokens.fay!, 'chatgroups', [g], 'Deploy is done!'))[g]!;
    const notWord = (await send(s, tokens.fay!, 'chatgroups', [g], 'redeployment plan'))[g]!;
    const direct = await dm('gus', 'eli', 'hi');
    for (const id of [keyword, direct]) await eventually(() => (pushedTo(ep, (p) => p.payload?.m === id).length ? true : undefined), 5000, `push ${id}`);
    expect(pushedTo(ep, (p) => p.payload?.m === plain || p.payload?.m === notWord)).toEqual([]);
    expect(await trace('eli', keyword)).toMatchObject({ push: true, mention: 'KEYWORD' });
    expect(await trace('eli', direct)).toMatchObject({ push: true, mention: 'DIRECT' });
    expect(await trace('eli', plain)).toMatchObject({ push: false, reason: 'REMIND_AT_NOT_MENTIONED' });
  });

  it('check answers with via, mention and quietUntil for a chosen chat and sender', async () => {
    expect((await setApp('gus', { ignoreDuration: 3_600_000, prioritySenders: ['hal'], keywords: ['urgent'] })).status).toBe(200);
    const check = (body: unknown) => call<{ data: Record<string, unknown> }>(s.base, 'POST', '/users/gus/notification/check', { token: tokens.gus, body });
    const g = { id: 'nowhere', type: 'groupChat' };
    expect((await check({ conversation: g })).json.data).toMatchObject({ push: false, reason: 'DND_APP_DURATION', quietUntil: expect.any(Number) });
    expect((await check({ conversation: g, from: 'hal' })).json.data).toMatchObject({ push: true, reason: 'PUSH', via: 'PRIORITY_SENDER' });
    expect((await check({ conversation: { id: 'hal', type: 'singleChat' }, from: 'hal' })).json.data).toMatchObject({ push: true, via: 'PRIORITY_SENDER', mention: 'DIRECT' });
    expect((await check({ conversation: g, text: 'URGENT: read this' })).json.data).toMatchObject({ push: false, reason: 'DND_APP_DURATION', mention: 'KEYWORD' });
    expect((await check({ conversation: g, from: 'Not A Name' })).status).toBe(400);
  });
});

describe('the summary when quiet ends', () => {
  const summaries = (ep: string) => pushedTo(ep, (p) => p.payload?.kind === 'summary');

  it('one summary per user with the right counts when a pause ends; none for a user with nothing held', async () => {
    const ep = await bind('hal');
    const quietEp = await bind('ivy');
    for (const u of ['hal', 'ivy']) expect((await setApp(u, { summary: true, ignoreDuration: 2500 })).status).toBe(200);
    const g = await createGroup(s, 'jo', ['hal']);
    const ids = [await dm('jo', 'hal', 'one'), await dm('jo', 'hal', 'two'), (await send(s, tokens.jo!, 'chatgroups', [g], 'to the group', { ext: { em_at_list: ['hal'] } }))[g]!];
    for (const id of ids) expect(await trace('hal', id)).toMatchObject({ push: false, reason: 'DND_APP_DURATION' });
    const got = await eventually(() => summaries(ep)[0], 10_000, 'the summary push');
    expect(got.payload).toMatchObject({ v: 1, kind: 'summary', t: 'hal', count: 3, mentions: 3, conversations: [{ id: g, type: 'groupChat', count: 1, mentions: 1 }, { id: 'jo', type: 'singleChat', count: 2, mentions: 2 }] });
    expect(got.payload?.since).toBeGreaterThan(0);
    expect(JSON.stringify(got.payload)).not.toMatch(/one|two|to the group/);
    // Exactly one, and traced.
    await new Promise((r) => setTimeout(r, 1500));
    expect(summaries(ep)).toHaveLength(1);
    expect(summaries(quietEp)).toEqual([]);
    const t = await call<{ data: TraceItem[] }>(s.base, 'GET', '/users/hal/notification/trace?limit=1', { token: tokens.hal });
    expect(t.json.data[0]).toMatchObject({ reason: 'SUMMARY', push: true, summary: { count: 3, mentions: 3, conversations: 2 } });
  });

  it('none when a device came online during the quiet time; moved when the quiet time is edited', async () => {
    const ep = await bind('jo');
    expect((await setApp('jo', { summary: true, ignoreDuration: 2000 })).status).toBe(200);
    await dm('ana', 'jo', 'held while quiet');
    const im = await connectIm(s, tokens.jo!, 'jo-laptop');
    await im.close();
    await new Promise((r) => setTimeout(r, 3500));
    expect(summaries(ep)).toEqual([]);

    // Held again, then the pause is extended: no summary at the first end, one at the new end.
    expect((await setApp('jo', { ignoreDuration: 1500 })).status).toBe(200);
    await dm('ana', 'jo', 'held again');
    expect((await setApp('jo', { ignoreDuration: 4000 })).status).toBe(200);
    const extendedAt = Date.now();
    await new Promise((r) => setTimeout(r, 2500));
    expect(summaries(ep)).toEqual([]);
    const got = await eventually(() => summaries(ep)[0], 10_000, 'the moved summary');
    expect(got.at).toBeGreaterThanOrEqual(extendedAt + 3900);
    expect(got.payload).toMatchObject({ count: 1 });
  });
});

describe('the summary, off', () => {
  const summaries = (ep: string) => pushedTo(ep, (p) => p.payload?.kind === 'summary');

  it('turned off while one is pending: none when the quiet time ends, and a later message is pushed as usual', async () => {
    const ep = await bind('lou');
    expect((await setApp('lou', { summary: true, ignoreDuration: 1500 })).status).toBe(200);
    await dm('ana', 'lou', 'held while quiet');
    expect((await setApp('lou', { summary: false })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3000));
    const after = await dm('ana', 'lou', 'after the pause');
    await eventually(() => (pushedTo(ep, (p) => p.payload?.m === after).length ? true : undefined), 5000, 'the later push');
    expect(summaries(ep)).toEqual([]);
  });

  it('never on: messages held by quiet time make no summary', async () => {
    const ep = await bind('max');
    expect((await setApp('max', { summary: false, ignoreDuration: 1500 })).status).toBe(200);
    await dm('ana', 'max', 'held while quiet');
    await new Promise((r) => setTimeout(r, 3000));
    const after = await dm('ana', 'max', 'after the pause');
    await eventually(() => (pushedTo(ep, (p) => p.payload?.m === after).length ? true : undefined), 5000, 'the later push');
    expect(summaries(ep)).toEqual([]);
  });
});

describe('the summary across a restart', () => {
  it('is sent by the next server when quiet ends while it was down', async () => {
    const t = await startTestServer({ push: { ca: svc.ca } as never });
    try {
      svc.expectVapidKey(t.server.ctx.vapid.publicKey);
      await register(t, 'kim', 'lou');
      const kim = await signIn(t, 'kim');
      const lou = await signIn(t, 'lou');
      const sub = svc.createSubscription();
      await call(t.base, 'PUT', '/users/kim/push/binding', { token: kim, body: { device_id: 'kim-web', device_token: JSON.stringify(sub), notifier_name: 'webpush' } });
      await call(t.base, 'PUT', '/users/kim/notification/user/kim', { token: kim, body: { summary: true, ignoreDuration: 2000 } });
      await send(t, lou, 'users', ['kim'], 'held');
      // Down before quiet ends, up after: the durable job is still there.
      for (const n of t.nodes) await n.close();
      await new Promise((r) => setTimeout(r, 2500));
      expect(pushedTo(sub.endpoint)).toEqual([]);
      const again = await startTestServer({ push: { ca: svc.ca } as never, dataDir: t.dataDir, ...reuseCluster(t) });
      try {
        const got = await eventually(() => pushedTo(sub.endpoint, (p) => p.payload?.kind === 'summary')[0], 10_000, 'the summary after restart');
        expect(got.payload).toMatchObject({ t: 'kim', count: 1 });
      } finally {
        await again.close();
      }
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

/** In cluster runs a restarted "server" must reopen the same PostgreSQL schema and Redis prefix. */
function reuseCluster(t: TestServer): { reuse?: { schema?: string | undefined; prefix?: string | undefined } } {
  const c = t.server.ctx.config;
  return c.postgres ? { reuse: { schema: c.postgresSchema, prefix: c.redisPrefix } } : {};
}
