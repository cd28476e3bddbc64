/**
 * SPEC 1 end to end: real server, real Web Push encryption and VAPID, a fake push service that
 * verifies and decrypts. Each case checks the push that arrives (or that none does) and the
 * reason the trace gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import { call, connectIm, createGroup, register, send, signIn, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
let svc: FakePushService;
const tokens: Record<string, string> = {};
type TraceItem = { messageId: string; push: boolean; reason: string; devices: { device_id: string; result: string }[] };

beforeAll(async () => {
  svc = await startPushService();
  s = await startTestServer({ push: { ca: svc.ca } as never });
  svc.expectVapidKey(s.server.ctx.vapid.publicKey);
  await register(s, 'sam', 'rita', 'ned', 'gus', 'kim', 'lia', 'max', 'ola');
  for (const u of ['sam', 'rita', 'ned', 'gus', 'kim', 'lia', 'max', 'ola']) tokens[u] = await signIn(s, u);
});
afterAll(async () => {
  await s.close();
  await svc.stop();
});

/** Binds a fresh fake subscription to `user`'s device; returns its endpoint. */
async function bindWebPush(user: string, device: string): Promise<string> {
  const sub = svc.createSubscription();
  const r = await call(s.base, 'PUT', `/users/${user}/push/binding`, { token: tokens[user], body: { device_id: device, device_token: JSON.stringify(sub), notifier_name: 'webpush' } });
  expect(r.status).toBe(200);
  return sub.endpoint;
}

async function traceOf(user: string, messageId: string): Promise<TraceItem> {
  const r = await call<{ data: TraceItem[] }>(s.base, 'GET', `/users/${user}/notification/trace?limit=100`, { token: tokens[user] });
  const t = r.json.data.find((x) => x.messageId === messageId);
  if (!t) throw new Error(`no trace for ${messageId}: ${JSON.stringify(r.json.data.slice(0, 3))}`);
  return t;
}

const setApp = (user: string, body: unknown) => call(s.base, 'PUT', `/users/${user}/notification/user/${user}`, { token: tokens[user], body });
const setConv = (user: string, scope: string, id: string, body: unknown) => call(s.base, 'PUT', `/users/${user}/notification/${scope}/${id}`, { token: tokens[user], body });

/** Sends sam → user and returns the message id. */
async function dm(user: string, text: string, extra: Record<string, unknown> = {}): Promise<string> {
  return (await send(s, tokens.sam!, 'users', [user], text, extra))[user]!;
}

/** Expects a push for `id` at `endpoint`, and returns its decrypted payload. */
async function pushed(endpoint: string, id: string) {
  const p = await svc.waitFor((x) => x.endpoint === endpoint && x.payload?.m === id);
  return p;
}

/** Expects that no push for these ids reaches `endpoint`: a later sentinel push arrives first, alone. */
async function notPushed(user: string, endpoint: string, ids: string[]) {
  const sentinel = await dm(user, 'sentinel', { ext: { em_force_notification: true } });
  await pushed(endpoint, sentinel);
  const got = svc.pushesFor(endpoint).map((p) => p.payload?.m);
  for (const id of ids) expect(got).not.toContain(id);
}

describe('who is offline (SPEC 1.1)', () => {
  it('pushes to an offline device with a verified, decryptable Web Push, and traces PUSH', async () => {
    const ep = await bindWebPush('rita', 'r-web');
    const id = await dm('rita', 'hello rita');
    const p = await pushed(ep, id);
    expect(p.payload).toMatchObject({ v: 1, m: id, t: 'rita', f: 'sam', title: 'SAM', body: 'hello rita', badge: 1, conversation: { id: 'sam', type: 'singleChat' } });
    expect(p.ttl).toBe('86400');
    expect(p.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(p.claims.sub).toMatch(/^mailto:/);
    expect(svc.rejected).toEqual([]);
    const t = await traceOf('rita', id);
    expect(t).toMatchObject({ push: true, reason: 'PUSH' });
    await expect.poll(async () => (await traceOf('rita', id)).devices[0]!.result).toMatch(/^sent/);
  });

  it('allOffline: no push while any device is online (an app in the background with its connection open counts)', async () => {
    const ep = await bindWebPush('ned', 'n-web');
    const phone = await connectIm(s, tokens.ned!, 'n-phone');
    const id = await dm('ned', 'while online');
    expect((await traceOf('ned', id)).reason).toBe('ONLINE');
    await phone.close();
    await notPushed('ned', ep, [id]);
  });

  it('anyOffline: pushes to the offline bound device while another is online; not to a bound device that is online', async () => {
    await call(s.base, 'PUT', '/push/policy', { token: s.appToken, body: { policy: 'anyOffline' } });
    try {
      const ep = await bindWebPush('gus', 'g-web');
      const phone = await connectIm(s, tokens.gus!, 'g-phone');
      const id = await dm('gus', 'any offline');
      await pushed(ep, id);
      expect((await traceOf('gus', id)).devices.map((d) => d.device_id)).toEqual(['g-web']);
      const web = await connectIm(s, tokens.gus!, 'g-web');
      const id2 = await dm('gus', 'both online');
      expect((await traceOf('gus', id2)).reason).toBe('ONLINE');
      await Promise.all([phone.close(), web.close()]);
      await notPushed('gus', ep, [id2]);
    } finally {
      await call(s.base, 'PUT', '/push/policy', { token: s.appToken, body: { policy: 'allOffline' } });
    }
  });

  it('a kicked device gets no push until it authenticates again; no binding → NO_BINDING', async () => {
    const ep = await bindWebPush('kim', 'k-web');
    await call(s.base, 'DELETE', '/users/kim/disconnect/k-web', { token: s.appToken });
    const id = await dm('kim', 'after kick');
    expect((await traceOf('kim', id)).reason).toBe('KICKED');
    const back = await connectIm(s, tokens.kim!, 'k-web');
    await back.close();
    const id2 = await dm('kim', 'back again');
    await pushed(ep, id2);
    expect(svc.pushesFor(ep).map((p) => p.payload?.m)).not.toContain(id);
    const none = await dm('ola', 'nobody bound');
    expect((await traceOf('ola', none)).reason).toBe('NO_BINDING');
  });
});

describe('remind type, DND, flags (SPEC 1.2–1.4)', () => {
  it('ALL / AT / NONE at app level, overridden per conversation', async () => {
    const ep = await bindWebPush('lia', 'l-web');
    await setApp('lia', { type: 'AT' });
    // SPEC 1.7 (Decision): a direct message counts as a mention, so AT lets it through.
    const plain = await dm('lia', 'no mention');
    await pushed(ep, plain);
    const mention = await dm('lia', '@lia hi', { ext: { em_at_list: ['LIA'] } });
    await pushed(ep, mention);
    const nested = await dm('lia', 'apns', { ext: { em_apns_ext: { em_at_list: 'all' } } });
    await pushed(ep, nested);
    await setApp('lia', { type: 'NONE' });
    const none = await dm('lia', 'app none');
    expect((await traceOf('lia', none)).reason).toBe('REMIND_NONE');
    await setConv('lia', 'user', 'sam', { type: 'ALL' });
    const override = await dm('lia', 'conversation ALL beats app NONE');
    await pushed(ep, override);
    await setConv('lia', 'user', 'sam', { type: 'DEFAULT' });
    const inherits = await dm('lia', 'inherits NONE again');
    expect((await traceOf('lia', inherits)).reason).toBe('REMIND_NONE');
    await setApp('lia', { type: 'ALL' });
    await setConv('lia', 'user', 'sam', { type: 'NONE' });
    const convNone = await dm('lia', 'conversation NONE');
    expect((await traceOf('lia', convNone)).reason).toBe('REMIND_NONE');
    await setConv('lia', 'user', 'sam', { type: 'AT' });
    const forcedAt = await dm('lia', 'forced, conversation AT: a direct message is a mention', { ext: { em_force_notification: 'YES' } });
    await pushed(ep, forcedAt);
    await setConv('lia', 'user', 'sam', { type: 'DEFAULT' });
    const silent = await dm('lia', 'silent', { ext: { em_ignore_notification: true } });
    expect((await traceOf('lia', silent)).reason).toBe('SILENT_MESSAGE');
    await notPushed('lia', ep, [none, inherits, convNone, silent]);
  });

  it('daily window, duration, their union, per-conversation duration, and force through DND', async () => {
    const ep = await bindWebPush('max', 'm-web');
    const nowMin = new Date().getUTCHours() * 60 + new Date().getUTCMinutes();
    const hm = (m: number) => `${Math.floor((((m % 1440) + 1440) % 1440) / 60)}:${(((m % 1440) + 1440) % 1440) % 60}`;
    await setApp('max', { timeZone: 'UTC', ignoreInterval: `${hm(nowMin - 60)}-${hm(nowMin + 60)}` });
    const inWindow = await dm('max', 'in window');
    expect((await traceOf('max', inWindow)).reason).toBe('DND_APP_WINDOW');
    const forced = await dm('max', 'forced', { ext: { em_force_notification: true } });
    await pushed(ep, forced);
    // Union: the window no longer covers now, but a duration does.
    await setApp('max', { ignoreInterval: `${hm(nowMin + 120)}-${hm(nowMin + 180)}`, ignoreDuration: 3_600_000 });
    const inDuration = await dm('max', 'in duration');
    expect((await traceOf('max', inDuration)).reason).toBe('DND_APP_DURATION');
    await setApp('max', { ignoreDuration: 0 });
    const free = await dm('max', 'free');
    await pushed(ep, free);
    // A conversation's duration mutes only that conversation.
    await setConv('max', 'user', 'sam', { ignoreDuration: 600_000 });
    const mutedConv = await dm('max', 'muted conversation');
    expect((await traceOf('max', mutedConv)).reason).toBe('DND_CONVERSATION');
    const fromOla = (await send(s, tokens.ola!, 'users', ['max'], 'other conversation')).max!;
    await pushed(ep, fromOla);
    await setConv('max', 'user', 'sam', { ignoreDuration: 0 });
    await notPushed('max', ep, [inWindow, inDuration, mutedConv]);
  });

  it('advanced features off: remind type and DND are ignored', async () => {
    const ep = await bindWebPush('ola', 'o-web');
    await setApp('ola', { type: 'NONE', ignoreDuration: 600_000 });
    await call(s.base, 'PUT', '/push/features', { token: s.appToken, body: { advanced: false } });
    try {
      const id = await dm('ola', 'features off');
      await pushed(ep, id);
    } finally {
      await call(s.base, 'PUT', '/push/features', { token: s.appToken, body: { advanced: true } });
    }
    const id2 = await dm('ola', 'features on');
    expect((await traceOf('ola', id2)).reason).toBe('DND_APP_DURATION');
  });
});

describe('payload (SPEC 1.5–1.6, 4)', () => {
  it('uses the translation for the recipient language, custom title and content', async () => {
    await register(s, 'fay');
    tokens.fay = await signIn(s, 'fay');
    const ep = await bindWebPush('fay', 'f-web');
    await call(s.base, 'PUT', '/users/fay/notification/language', { token: tokens.fay, body: { translationLanguage: 'FR' } });
    const id = await dm('fay', 'good morning', { translations: [{ language: 'de', text: 'guten Morgen' }, { language: 'fr', text: 'bonjour' }] });
    expect((await pushed(ep, id)).payload).toMatchObject({ body: 'bonjour', language: 'fr' });
    // A changed language reaches the very next push (the embedded store keeps languages in memory).
    await call(s.base, 'PUT', '/users/fay/notification/language', { token: tokens.fay, body: { translationLanguage: 'DE' } });
    const evening = await dm('fay', 'good evening', { translations: [{ language: 'de', text: 'guten Abend' }] });
    expect((await pushed(ep, evening)).payload).toMatchObject({ body: 'guten Abend', language: 'de' });
    const custom = await dm('fay', 'x', { ext: { em_push_title: 'Custom', em_push_content: 'Hidden text', orderId: 7 } });
    expect((await pushed(ep, custom)).payload).toMatchObject({ title: 'Custom', body: 'Hidden text', e: { orderId: 7 } });
  });

  it('badge counts offline messages up and resets when a device comes online', async () => {
    await register(s, 'bea');
    tokens.bea = await signIn(s, 'bea');
    const ep = await bindWebPush('bea', 'b-web');
    const badges = [];
    for (const t of ['1', '2', '3']) badges.push((await pushed(ep, await dm('bea', t))).payload?.badge);
    expect(badges).toEqual([1, 2, 3]);
    const c = await connectIm(s, tokens.bea!, 'b-phone');
    await c.close();
    expect((await pushed(ep, await dm('bea', 'after'))).payload?.badge).toBe(1);
  });

  it('a group: the sender gets no push, members get theirs by their own settings (batched)', async () => {
    await register(s, 'g1', 'g2', 'g3');
    for (const u of ['g1', 'g2', 'g3']) tokens[u] = await signIn(s, u);
    const e2 = await bindWebPush('g2', 'g2-web');
    const e3 = await bindWebPush('g3', 'g3-web');
    const e1 = await bindWebPush('g1', 'g1-web');
    const g = await createGroup(s, 'g1', ['g2', 'g3']);
    await setConv('g3', 'chatgroup', g, { type: 'AT' });
    const id = (await send(s, tokens.g1!, 'chatgroups', [g], 'hi group'))[g]!;
    const p = await pushed(e2, id);
    expect(p.payload).toMatchObject({ g: g, conversation: { id: g, type: 'groupChat' }, f: 'g1' });
    expect((await traceOf('g1', id)).reason).toBe('SENDER');
    expect((await traceOf('g3', id)).reason).toBe('REMIND_AT_NOT_MENTIONED');
    const at = (await send(s, tokens.g1!, 'chatgroups', [g], '@g3', { ext: { em_at_list: ['g3'] } }))[g]!;
    await pushed(e3, at);
    expect(svc.pushesFor(e1)).toEqual([]);
    expect(svc.pushesFor(e3).map((x) => x.payload?.m)).toEqual([at]);
  });
});
