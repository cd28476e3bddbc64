// SPEC 2: each PushClient method sends exactly the reference's REST call and resolves to {type, data}.
import { describe, expect, it } from 'vitest';
import { PushClient } from '../../src/client/index.ts';
import { envelope, recordingFetch, type Reply } from './recording-fetch.ts';

const P = '/demo/im/users/alice';

function signedIn(reply: Reply, opts: { resource?: string } = {}) {
  const rec = recordingFetch(() => reply);
  const client = new PushClient({ baseUrl: 'http://127.0.0.1:9/', appKey: 'demo#im', fetch: rec.fetch, retries: 0, ...opts });
  client.setSession('tok-1', 'Alice');
  return { client, calls: rec.calls };
}

interface Row {
  name: string;
  call: (c: PushClient) => Promise<unknown>;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  reply: Record<string, unknown>;
  data: unknown;
}

const appData = { type: 'ALL', ignoreInterval: '8:0-12:0', ignoreDuration: 0, timeZone: 'UTC' };
const rows: Row[] = [
  {
    name: 'setSilentModeForAll remind type',
    call: (c) => c.setSilentModeForAll({ options: { paramType: 0, remindType: 'AT' } }),
    method: 'PUT', path: `${P}/notification/user/alice`, body: { type: 'AT' }, reply: { data: { type: 'AT' } }, data: { type: 'AT' },
  },
  {
    name: 'setSilentModeForAll duration',
    call: (c) => c.setSilentModeForAll({ options: { paramType: 1, duration: 3_600_000 } }),
    method: 'PUT', path: `${P}/notification/user/alice`, body: { ignoreDuration: 3_600_000 }, reply: { data: { ignoreDuration: 99 } }, data: { ignoreDuration: 99 },
  },
  {
    name: 'setSilentModeForAll window, the reference’s own 8:00-12:00 example',
    call: (c) => c.setSilentModeForAll({ options: { paramType: 2, startTime: { hours: 8, minutes: 0 }, endTime: { hours: 12, minutes: 0 } } }),
    method: 'PUT', path: `${P}/notification/user/alice`, body: { ignoreInterval: '8:0-12:0' }, reply: { data: appData }, data: appData,
  },
  {
    name: 'setSilentModeForAll window off, 0:0-0:0, with the browser zone',
    call: (c) => c.setSilentModeForAll({ options: { paramType: 2, startTime: { hours: 0, minutes: 0 }, endTime: { hours: 0, minutes: 0 }, timeZone: 'Asia/Shanghai' } }),
    method: 'PUT', path: `${P}/notification/user/alice`, body: { ignoreInterval: '0:0-0:0', timeZone: 'Asia/Shanghai' }, reply: { data: appData }, data: appData,
  },
  {
    name: 'getSilentModeForAll',
    call: (c) => c.getSilentModeForAll(),
    method: 'GET', path: `${P}/notification/user/alice`, reply: { data: appData }, data: appData,
  },
  {
    name: 'setSilentModeForConversation (single chat → user/)',
    call: (c) => c.setSilentModeForConversation({ conversationId: 'bob', type: 'singleChat', options: { paramType: 0, remindType: 'NONE' } }),
    method: 'PUT', path: `${P}/notification/user/bob`, body: { type: 'NONE' }, reply: { data: { type: 'NONE', ignoreDuration: 0 } }, data: { type: 'NONE', ignoreDuration: 0 },
  },
  {
    name: 'setSilentModeForConversation (group → chatgroup/, duration)',
    call: (c) => c.setSilentModeForConversation({ conversationId: 'g 1', type: 'groupChat', options: { paramType: 1, duration: 60_000 } }),
    method: 'PUT', path: `${P}/notification/chatgroup/g%201`, body: { ignoreDuration: 60_000 }, reply: { data: { ignoreDuration: 5 } }, data: { ignoreDuration: 5 },
  },
  {
    name: 'getSilentModeForConversation (room → chatgroup/)',
    call: (c) => c.getSilentModeForConversation({ conversationId: 'r1', type: 'chatRoom' }),
    method: 'GET', path: `${P}/notification/chatgroup/r1`, reply: { data: { ignoreDuration: 0 } }, data: { ignoreDuration: 0 },
  },
  {
    name: 'getSilentModeForConversations',
    call: (c) => c.getSilentModeForConversations({ conversationList: [{ id: 'bob', type: 'singleChat' }, { id: 'g1', type: 'groupChat' }, { id: 'r1', type: 'chatRoom' }] }),
    method: 'GET', path: `${P}/notification`, query: { user: 'bob', group: 'g1,r1' },
    reply: { data: { user: { bob: { type: 'AT', ignoreDuration: 0 } }, group: {} } }, data: { user: { bob: { type: 'AT', ignoreDuration: 0 } }, group: {} },
  },
  {
    name: 'clearRemindTypeForConversation sends DEFAULT',
    call: (c) => c.clearRemindTypeForConversation({ conversationId: 'g1', type: 'groupChat' }),
    method: 'PUT', path: `${P}/notification/chatgroup/g1`, body: { type: 'DEFAULT' }, reply: { data: { ignoreDuration: 0 } }, data: { ignoreDuration: 0 },
  },
  {
    name: 'setPushPerformLanguage (Azure spelling)',
    call: (c) => c.setPushPerformLanguage({ language: 'zh-hans' }),
    method: 'PUT', path: `${P}/notification/language`, body: { translationLanguage: 'zh-Hans' }, reply: { data: { language: 'zh-Hans' } }, data: { language: 'zh-Hans' },
  },
  {
    name: 'getPushPerformLanguage',
    call: (c) => c.getPushPerformLanguage(),
    method: 'GET', path: `${P}/notification/language`, reply: { data: { language: 'en' } }, data: { language: 'en' },
  },
  {
    name: 'uploadPushToken resolves to the user entity',
    call: (c) => c.uploadPushToken({ deviceId: 'web-1', deviceToken: '{"endpoint":"https://p/x"}', notifierName: 'webpush' }),
    method: 'PUT', path: P, body: { device_id: 'web-1', device_token: '{"endpoint":"https://p/x"}', notifier_name: 'webpush' },
    reply: { entities: [{ uuid: 'u1', type: 'user', username: 'alice', pushInfo: [{ device_id: 'web-1', device_token: 't', notifier_name: 'webpush' }] }] },
    data: { uuid: 'u1', type: 'user', username: 'alice', pushInfo: [{ device_id: 'web-1', device_token: 't', notifier_name: 'webpush' }] },
  },
  {
    name: 'uploadPushToken with an empty token unbinds',
    call: (c) => c.uploadPushToken({ deviceId: 'web-1', deviceToken: '', notifierName: 'stream' }),
    method: 'PUT', path: P, body: { device_id: 'web-1', device_token: '', notifier_name: 'stream' },
    reply: { entities: [{ uuid: 'u1', pushInfo: [] }] }, data: { uuid: 'u1', pushInfo: [] },
  },
  {
    name: 'getSilentModeRemindTypeConversations (defaults)',
    call: (c) => c.getSilentModeRemindTypeConversations({ pageSize: 10 }),
    method: 'GET', path: `${P}/notification/mute/type`, query: { limit: '10' },
    reply: { data: [{ user: 'bob', value: 'AT' }], cursor: 'c2' }, data: { conversations: [{ user: 'bob', value: 'AT' }], cursor: 'c2' },
  },
  {
    name: 'getSilentModeRemindTypeConversations (next page, last)',
    call: (c) => c.getSilentModeRemindTypeConversations({ pageSize: 2, cursor: 'c2' }),
    method: 'GET', path: `${P}/notification/mute/type`, query: { limit: '2', cursor: 'c2' },
    reply: { data: [{ group: 'g1', value: 'NONE' }], cursor: '' }, data: { conversations: [{ group: 'g1', value: 'NONE' }], cursor: '' },
  },
];

describe('PushClient requests', () => {
  it.each(rows)('$name', async (row) => {
    const { client, calls } = signedIn({ json: envelope(row.reply) });
    await expect(row.call(client)).resolves.toEqual({ type: 0, data: row.data });
    expect(calls).toHaveLength(1);
    const [req] = calls;
    expect(req!.method).toBe(row.method);
    expect(req!.path).toBe(row.path);
    expect(req!.query).toEqual(row.query ?? {});
    expect(req!.body).toEqual(row.body);
    expect(req!.headers.authorization).toBe('Bearer tok-1');
    expect(req!.headers.accept).toBe('application/json');
    if (row.body !== undefined) expect(req!.headers['content-type']).toBe('application/json');
  });

  it('adds ?resource= to settings writes when the client has a resource, not to reads or bindings', async () => {
    const { client, calls } = signedIn({ json: envelope({ data: {} }) }, { resource: 'ext-1' });
    await client.setSilentModeForAll({ options: { paramType: 0, remindType: 'ALL' } });
    await client.clearRemindTypeForConversation({ conversationId: 'g1', type: 'groupChat' });
    await client.getSilentModeForAll();
    await client.uploadPushToken({ deviceId: 'ext-1', deviceToken: '', notifierName: 'webpush' });
    expect(calls.map((c) => c.query)).toEqual([{ resource: 'ext-1' }, { resource: 'ext-1' }, {}, {}]);
  });

  it('request() reaches any other endpoint with the token', async () => {
    const { client, calls } = signedIn({ json: envelope({ data: [{ name: 'webpush', type: 'webpush' }] }) });
    await expect(client.request({ method: 'GET', path: '/push/certificates', idempotent: true })).resolves.toEqual({ type: 0, data: [{ name: 'webpush', type: 'webpush' }] });
    expect(calls[0]!.url.href).toBe('http://127.0.0.1:9/demo/im/push/certificates');
  });

  it('keeps a base path and escapes org and app', async () => {
    const rec = recordingFetch(() => ({ json: envelope({ data: {} }) }));
    const client = new PushClient({ baseUrl: 'https://chat.example.com/im/', appKey: 'my-org#my_app', fetch: rec.fetch });
    client.setSession('t', 'bob');
    await client.getPushPerformLanguage();
    expect(rec.calls[0]!.url.href).toBe('https://chat.example.com/im/my-org/my_app/users/bob/notification/language');
  });
});

describe('signIn', () => {
  const token = { access_token: 'tok-9', expires_in: 3600, user: { uuid: 'u', type: 'user', username: 'alice', activated: true } };

  it('posts the password grant without a token, keeps the token and sends it as Bearer afterwards', async () => {
    const rec = recordingFetch((req) => (req.path.endsWith('/token') ? { json: token } : { json: envelope({ data: { language: '' } }) }));
    const client = new PushClient({ baseUrl: 'http://127.0.0.1:9', appKey: 'demo#im', fetch: rec.fetch });
    await expect(client.signIn({ username: 'Alice', password: 'pw', ttl: 600 })).resolves.toEqual({ type: 0, data: token });
    expect(rec.calls[0]).toMatchObject({ method: 'POST', path: '/demo/im/token', body: { grant_type: 'password', username: 'Alice', password: 'pw', ttl: 600 } });
    expect(rec.calls[0]!.headers.authorization).toBeUndefined();
    expect(client.accessToken).toBe('tok-9');
    expect(client.username).toBe('alice');
    await client.getPushPerformLanguage();
    expect(rec.calls[1]!.headers.authorization).toBe('Bearer tok-9');
    expect(rec.calls[1]!.path).toBe('/demo/im/users/alice/notification/language');
  });

  it('sends no ttl when none is given', async () => {
    const rec = recordingFetch(() => ({ json: token }));
    const client = new PushClient({ baseUrl: 'http://127.0.0.1:9', appKey: 'demo#im', fetch: rec.fetch });
    await client.signIn({ username: 'alice', password: 'pw' });
    expect(rec.calls[0]!.body).toEqual({ grant_type: 'password', username: 'alice', password: 'pw' });
  });
});
