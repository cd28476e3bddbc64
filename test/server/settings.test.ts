import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connectIm, connectStream, groupsWithIds, register, signIn, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
let alice: string;
const me = '/users/alice/notification/user/alice';
type Data<T = Record<string, unknown>> = { data: T; cursor?: string };

beforeAll(async () => {
  s = await startTestServer({ defaultTimeZone: 'Europe/Paris' });
  await register(s, 'alice', 'bob', 'carol');
  // Settings are kept only for groups the user is in.
  groupsWithIds(s, ['G1', 'G2', 'G3', 'G5', 'G9', 'P1', 'P2', 'P3', 'Q'], ['alice', 'bob', 'carol']);
  alice = await signIn(s, 'alice');
});
afterAll(() => s.close());

async function get<T = Record<string, unknown>>(path: string, token = alice) {
  const r = await call<Data<T>>(s.base, 'GET', path, { token });
  expect(r.status).toBe(200);
  return r.json;
}

describe('app-level settings (SPEC 3.2)', () => {
  it('reads defaults: ALL, no window, no duration, the server default zone', async () => {
    // SPEC 3.2: the rules of 1.7 are always there, at their defaults when unset.
    expect((await get(me)).data).toEqual({
      type: 'ALL', ignoreInterval: '', ignoreDuration: 0, timeZone: 'Europe/Paris',
      quietSchedule: [], windowSkipUntil: 0, prioritySenders: [], keywords: [], summary: false,
    });
  });

  it('writes each field and combinations; normalises zero-padded windows', async () => {
    const before = Date.now();
    const r = await call<Data>(s.base, 'PUT', me, { token: alice, body: { type: 'AT', ignoreInterval: '08:30-10:00', timeZone: 'America/New_York' } });
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ type: 'AT', ignoreInterval: '8:30-10:0', ignoreDuration: 0, timeZone: 'America/New_York' });
    const d = await call<Data<{ ignoreDuration: number }>>(s.base, 'PUT', me, { token: alice, body: { ignoreDuration: 3_600_000 } });
    expect(d.json.data.ignoreDuration).toBeGreaterThanOrEqual(before + 3_600_000);
    expect((await get(me)).data).toMatchObject({ type: 'AT', ignoreInterval: '8:30-10:0', timeZone: 'America/New_York' });
    await call(s.base, 'PUT', me, { token: alice, body: { ignoreDuration: 0, ignoreInterval: '0:0-0:0', type: 'ALL' } });
    expect((await get(me)).data).toMatchObject({ type: 'ALL', ignoreInterval: '', ignoreDuration: 0 });
  });

  it.each([
    [{ type: 'DEFAULT' }, 'type'],
    [{ type: 'SOME' }, 'type'],
    [{ ignoreDuration: -1 }, 'ignoreDuration'],
    [{ ignoreDuration: 604_800_001 }, 'ignoreDuration'],
    [{ ignoreDuration: 1.5 }, 'ignoreDuration'],
    [{ ignoreInterval: '25:0-1:0' }, 'ignoreInterval'],
    [{ ignoreInterval: 'soon' }, 'ignoreInterval'],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ colour: 'red' }, 'colour'],
    [{}, '(body)'],
    [[1, 2], '(body)'],
  ])('refuses %j naming %s, and changes nothing', async (body, field) => {
    await call(s.base, 'PUT', me, { token: alice, body: { type: 'NONE', ignoreInterval: '22:0-7:0' } });
    const before = (await get(me)).data;
    const r = await call(s.base, 'PUT', me, { token: alice, body });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('illegal_argument');
    expect(String(r.json.error_description)).toContain(field);
    if (!Array.isArray(body) && Object.keys(body).length > 0) {
      // Combined with a valid field, the whole request is still refused.
      const mixed = await call(s.base, 'PUT', me, { token: alice, body: { type: 'AT', ...body } });
      expect(mixed.status).toBe(400);
    }
    expect((await get(me)).data).toEqual(before);
    await call(s.base, 'PUT', me, { token: alice, body: { type: 'ALL', ignoreInterval: '' } });
  });
});

describe('conversation settings (SPEC 3.3)', () => {
  it('sets, reads and clears a conversation remind type and duration', async () => {
    const path = '/users/alice/notification/chatgroup/G1';
    expect((await get(path)).data).toEqual({ ignoreDuration: 0 });
    const r = await call<Data>(s.base, 'PUT', path, { token: alice, body: { type: 'NONE' } });
    expect(r.json.data).toEqual({ type: 'NONE', ignoreDuration: 0 });
    await call(s.base, 'PUT', path, { token: alice, body: { ignoreDuration: 60_000 } });
    await call(s.base, 'PUT', path, { token: alice, body: { type: 'DEFAULT' } });
    const after = (await get<{ type?: string; ignoreDuration: number }>(path)).data;
    expect(after.type).toBeUndefined();
    expect(after.ignoreDuration).toBeGreaterThan(Date.now());
  });

  it('refuses a daily window for a conversation and a bad type, changing nothing', async () => {
    const path = '/users/alice/notification/user/bob';
    await call(s.base, 'PUT', path, { token: alice, body: { type: 'AT' } });
    const w = await call(s.base, 'PUT', path, { token: alice, body: { type: 'NONE', ignoreInterval: '8:0-9:0' } });
    expect(w.status).toBe(400);
    expect(w.json.error_description).toContain('whole app');
    const t = await call(s.base, 'PUT', path, { token: alice, body: { type: 'NEVER' } });
    expect(t.json.error_description).toContain('type');
    expect((await get(path)).data).toEqual({ type: 'AT', ignoreDuration: 0 });
    const scope = await call(s.base, 'PUT', '/users/alice/notification/planet/x', { token: alice, body: { type: 'AT' } });
    expect(scope.status).toBe(404);
  });

  it('batch read leaves out inheriting conversations; more than 20 ids is 400', async () => {
    await call(s.base, 'PUT', '/users/alice/notification/chatgroup/G2', { token: alice, body: { type: 'AT' } });
    const r = await get<{ user: Record<string, unknown>; group: Record<string, unknown> }>('/users/alice/notification?user=bob,carol&group=G2,G3');
    expect(r.data.user).toEqual({ bob: { type: 'AT', ignoreDuration: 0 } });
    expect(Object.keys(r.data.group)).toEqual(['G2']);
    const many = Array.from({ length: 21 }, (_, i) => `g${i}`).join(',');
    const bad = await call(s.base, 'GET', `/users/alice/notification?group=${many}`, { token: alice });
    expect(bad.status).toBe(400);
    expect(bad.json.error_description).toContain('20');
    const none = await call(s.base, 'GET', '/users/alice/notification', { token: alice });
    expect(none.status).toBe(400);
  });

  it('pages conversations with their own remind type', async () => {
    for (const g of ['P1', 'P2', 'P3']) await call(s.base, 'PUT', `/users/alice/notification/chatgroup/${g}`, { token: alice, body: { type: 'ALL' } });
    const seen: unknown[] = [];
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const page = await get<{ user?: string; group?: string; value: string }[]>(`/users/alice/notification/mute/type?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data);
      cursor = page.cursor ?? '';
      if (!cursor) break;
    }
    expect(seen).toEqual(expect.arrayContaining([{ group: 'P1', value: 'ALL' }, { group: 'G2', value: 'AT' }, { user: 'bob', value: 'AT' }]));
    expect(seen).not.toContainEqual(expect.objectContaining({ group: 'G1' }));
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'cursor=%%%']) {
      const r = await call(s.base, 'GET', `/users/alice/notification/mute/type?${q}`, { token: alice });
      expect(r.status).toBe(400);
    }
  });
});

describe('push language (SPEC 3.4)', () => {
  it('stores Azure spelling, refuses unknown codes with suggestions', async () => {
    const path = '/users/alice/notification/language';
    expect((await get(path)).data).toEqual({ language: '' });
    const r = await call<Data>(s.base, 'PUT', path, { token: alice, body: { translationLanguage: 'zh-hans' } });
    expect(r.json.data).toEqual({ language: 'zh-Hans' });
    const bad = await call(s.base, 'PUT', path, { token: alice, body: { translationLanguage: 'klingon' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error_description).toContain('translationLanguage');
    expect((await get(path)).data).toEqual({ language: 'zh-Hans' });
  });
});

describe('bindings and certificates (SPEC 3.5)', () => {
  it('lists the webpush and stream certificates with the VAPID key', async () => {
    const r = await get<{ name: string; type: string; vapidPublicKey?: string }[]>('/push/certificates');
    expect(r.data.map((c) => c.type).sort()).toEqual(['stream', 'webpush']);
    expect(r.data.find((c) => c.type === 'webpush')!.vapidPublicKey).toBe(s.server.ctx.vapid.publicKey);
    expect((await call(s.base, 'GET', '/push/certificates')).status).toBe(401);
  });

  it('binds, lists and unbinds; refuses an unknown certificate and a bad subscription', async () => {
    const sub = JSON.stringify({ endpoint: 'https://127.0.0.1:1/push/x', keys: { p256dh: 'A'.repeat(87), auth: 'A'.repeat(22) } });
    const r = await call<{ entities: { pushInfo: unknown[] }[] }>(s.base, 'PUT', '/users/alice', { token: alice, body: { device_id: 'laptop', device_token: 'stream', notifier_name: 'stream' } });
    expect(r.status).toBe(200);
    expect(r.json.entities[0]!.pushInfo).toEqual([{ device_id: 'laptop', device_token: 'stream', notifier_name: 'stream' }]);
    const w = await call(s.base, 'PUT', '/users/alice/push/binding', { token: alice, body: { device_id: 'laptop', device_token: sub, notifier_name: 'webpush' } });
    expect(w.status).toBe(400); // p256dh must start with 0x04
    const unknown = await call(s.base, 'PUT', '/users/alice/push/binding', { token: alice, body: { device_id: 'laptop', device_token: 'x', notifier_name: 'apns' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error_description).toContain('notifier_name');
    const http = await call(s.base, 'PUT', '/users/alice/push/binding', { token: alice, body: { device_id: 'laptop', device_token: '{"endpoint":"http://x"}', notifier_name: 'webpush' } });
    expect(http.json.error_description).toContain('device_token.endpoint');
    const list = await get<unknown[]>('/users/alice/push/binding');
    expect(list.data).toHaveLength(1);
    await call(s.base, 'PUT', '/users/alice/push/binding', { token: alice, body: { device_id: 'laptop', device_token: '', notifier_name: 'stream' } });
    expect((await get<unknown[]>('/users/alice/push/binding')).data).toEqual([]);
  });

  it('refuses a loopback endpoint without --allow-private-push-endpoints, checking what the name resolves to', async () => {
    const strict = await startTestServer({ allowPrivatePushEndpoints: false });
    try {
      await register(strict, 'zed');
      const tok = await signIn(strict, 'zed');
      const keys = { p256dh: `BA${'A'.repeat(85)}`, auth: 'A'.repeat(22) };
      const ip = await call(strict.base, 'PUT', '/users/zed/push/binding', { token: tok, body: { device_id: 'd', device_token: JSON.stringify({ endpoint: 'https://127.0.0.1/x', keys }), notifier_name: 'webpush' } });
      expect(ip.status).toBe(400);
      expect(ip.json.error_description).toContain('allow-private-push-endpoints');
      // A public-looking name that resolves to loopback (DNS rebinding style) is refused after resolution.
      const name = await call(strict.base, 'PUT', '/users/zed/push/binding', { token: tok, body: { device_id: 'd', device_token: JSON.stringify({ endpoint: 'https://localtest.me.127.0.0.1.nip.io.invalid/x', keys }), notifier_name: 'webpush' } });
      expect(name.status).toBe(400);
      expect((await call<Data<unknown[]>>(strict.base, 'GET', '/users/zed/push/binding', { token: tok })).json.data).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});

describe('admin (SPEC 3.9)', () => {
  it('sets the policy and features with an app token only', async () => {
    expect((await call(s.base, 'PUT', '/push/policy', { token: alice, body: { policy: 'anyOffline' } })).status).toBe(403);
    const p = await call<Data>(s.base, 'PUT', '/push/policy', { token: s.appToken, body: { policy: 'anyOffline' } });
    expect(p.json.data).toEqual({ policy: 'anyOffline' });
    expect((await get('/push/policy', s.appToken)).data).toEqual({ policy: 'anyOffline' });
    const bad = await call(s.base, 'PUT', '/push/policy', { token: s.appToken, body: { policy: 'sometimes' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error_description).toContain('policy');
    await call(s.base, 'PUT', '/push/policy', { token: s.appToken, body: { policy: 'allOffline' } });
  });

  it('features off: settings writes answer 403 service_not_enabled and change nothing', async () => {
    const f = await call<Data>(s.base, 'PUT', '/push/features', { token: s.appToken, body: { advanced: false } });
    expect(f.json.data).toEqual({ advanced: false });
    const before = (await get(me)).data;
    const r = await call(s.base, 'PUT', me, { token: alice, body: { type: 'NONE' } });
    expect(r.status).toBe(403);
    expect(r.json.error).toBe('service_not_enabled');
    const c = await call(s.base, 'PUT', '/users/alice/notification/chatgroup/G9', { token: alice, body: { type: 'NONE' } });
    expect(c.status).toBe(403);
    expect((await get(me)).data).toEqual(before);
    const bad = await call(s.base, 'PUT', '/push/features', { token: s.appToken, body: { advanced: 'yes' } });
    expect(bad.status).toBe(400);
    await call(s.base, 'PUT', '/push/features', { token: s.appToken, body: { advanced: true } });
  });
});

describe('explain (SPEC 3.8)', () => {
  it('check says whether a message would push now, with quietUntil', async () => {
    const check = (body: unknown) => call<Data<{ push: boolean; reason: string; quietUntil?: number }> & { error_description?: string }>(s.base, 'POST', '/users/alice/notification/check', { token: alice, body });
    expect((await check({ conversation: { id: 'G2', type: 'groupChat' } })).json.data).toEqual({ push: false, reason: 'REMIND_AT_NOT_MENTIONED' });
    expect((await check({ conversation: { id: 'G2', type: 'groupChat' }, mentioned: true })).json.data).toMatchObject({ push: true, reason: 'PUSH' });
    // SPEC 1.7 (Decision): a direct message counts as a mention, so bob's AT lets it through.
    expect((await check({ conversation: { id: 'bob', type: 'singleChat' } })).json.data).toMatchObject({ push: true, reason: 'PUSH' });
    await call(s.base, 'PUT', '/users/alice/notification/chatgroup/Q', { token: alice, body: { ignoreDuration: 600_000 } });
    const q = (await check({ conversation: { id: 'Q', type: 'groupChat' } })).json.data;
    expect(q.reason).toBe('DND_CONVERSATION');
    expect(q.quietUntil).toBeGreaterThan(Date.now() + 590_000);
    const bad = await check({ conversation: { id: 'Q', type: 'group' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error_description).toContain('conversation.type');
  });

  it('trace validates limit', async () => {
    expect((await get('/users/alice/notification/trace')).data).toEqual([]);
    expect((await call(s.base, 'GET', '/users/alice/notification/trace?limit=0', { token: alice })).status).toBe(400);
  });
});

describe('?resource= announces a settings change to the user\'s other connections', () => {
  it('sends user_notification_mute to other IM connections and push streams, not to the operator', async () => {
    const phone = await connectIm(s, alice, 'phone');
    const laptop = await connectIm(s, alice, 'laptop');
    const stream = await connectStream(s, alice, 'ext-1');
    const r = await call(s.base, 'PUT', '/users/alice/notification/chatgroup/G5?resource=phone', { token: alice, body: { type: 'NONE' } });
    expect(r.status).toBe(200);
    const expected = { op: 'event', type: 'user_notification_mute', values: [{ operator_resource: 'phone', data: { type: 'NONE', ignoreDuration: 0 }, group: 'G5' }] };
    expect(await laptop.next((f) => f.op === 'event')).toEqual(expected);
    expect(await stream.next((f) => f.op === 'event')).toEqual(expected);
    await call(s.base, 'PUT', `${me}?resource=laptop`, { token: alice, body: { type: 'AT' } });
    const ev = await phone.next((f) => f.op === 'event');
    expect(ev).toMatchObject({ values: [{ operator_resource: 'laptop', user: 'alice', data: { type: 'AT' } }] });
    expect(phone.frames.filter((f) => f.op === 'event')).toHaveLength(1);
    const bad = await call(s.base, 'PUT', `${me}?resource=${'x'.repeat(65)}`, { token: alice, body: { type: 'ALL' } });
    expect(bad.status).toBe(400);
    await Promise.all([phone.close(), laptop.close(), stream.close()]);
  });
});
