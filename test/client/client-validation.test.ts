// SPEC 2 and 7: the client checks every argument before any request, and accepts the reference's own examples.
import { describe, expect, it } from 'vitest';
import { PushClient, PushClientError } from '../../src/client/index.ts';
import { envelope, recordingFetch } from './recording-fetch.ts';

function signedIn() {
  const rec = recordingFetch(() => ({ json: envelope({ data: {} }) }));
  const client = new PushClient({ baseUrl: 'http://127.0.0.1:9', appKey: 'demo#im', fetch: rec.fetch });
  client.setSession('tok', 'alice');
  return { client, calls: rec.calls };
}

/** Expects a PushClientError of kind invalid_argument naming the field, with no request made. */
async function expectRefused(run: (c: PushClient) => Promise<unknown>, field: string, mentions: string[]) {
  const { client, calls } = signedIn();
  const err = await run(client).then(
    () => { throw new Error('expected a rejection'); },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PushClientError);
  const e = err as PushClientError;
  expect(e.kind).toBe('invalid_argument');
  expect(e.status).toBe(0);
  expect(e.error).toBe('illegal_argument');
  expect(e.field).toBe(field);
  expect(e.message).toBe(e.error_description);
  expect(e.error_description.startsWith(field)).toBe(true);
  for (const text of mentions) expect(e.error_description).toContain(text);
  expect(calls).toHaveLength(0);
}

const window = (start: unknown, end: unknown = { hours: 8, minutes: 0 }) => ({ options: { paramType: 2, startTime: start, endTime: end } });
const conv = { conversationId: 'g1', type: 'groupChat' };

describe('accepted as the reference documents them', () => {
  it.each([
    ['startTime {hours: 8, minutes: 0} (8:00–12:00)', window({ hours: 8, minutes: 0 }, { hours: 12, minutes: 0 }), '8:0-12:0'],
    ['0:0-0:0 (off)', window({ hours: 0, minutes: 0 }, { hours: 0, minutes: 0 }), '0:0-0:0'],
    ['overnight 22:0-7:0', window({ hours: 22, minutes: 0 }, { hours: 7, minutes: 0 }), '22:0-7:0'],
    ['all day 9:0-9:0', window({ hours: 9, minutes: 0 }, { hours: 9, minutes: 0 }), '9:0-9:0'],
  ])('%s', async (_name, params, interval) => {
    const { client, calls } = signedIn();
    await client.setSilentModeForAll(params);
    expect(calls[0]!.body).toEqual({ ignoreInterval: interval });
  });

  it('duration 0 (clear) and exactly 7 days', async () => {
    const { client, calls } = signedIn();
    await client.setSilentModeForAll({ options: { paramType: 1, duration: 0 } });
    await client.setSilentModeForConversation({ ...conv, options: { paramType: 1, duration: 604_800_000 } });
    expect(calls.map((c) => c.body)).toEqual([{ ignoreDuration: 0 }, { ignoreDuration: 604_800_000 }]);
  });

  it('exactly 20 conversations', async () => {
    const { client, calls } = signedIn();
    await client.getSilentModeForConversations({ conversationList: Array.from({ length: 20 }, (_, i) => ({ id: `u${i}`, type: 'singleChat' })) });
    expect(calls[0]!.query.user!.split(',')).toHaveLength(20);
  });
});

describe('refused before any request', () => {
  it.each([
    ['hours: 25', (c: PushClient) => c.setSilentModeForAll(window({ hours: 25, minutes: 0 })), 'options.startTime.hours', ['25', '0 to 23']],
    ['endTime hours: 24', (c: PushClient) => c.setSilentModeForAll(window({ hours: 1, minutes: 0 }, { hours: 24, minutes: 0 })), 'options.endTime.hours', ['24', '0 to 23']],
    ['minutes: 60', (c: PushClient) => c.setSilentModeForAll(window({ hours: 1, minutes: 60 })), 'options.startTime.minutes', ['60', '0 to 59']],
    ['hours: -1', (c: PushClient) => c.setSilentModeForAll(window({ hours: -1, minutes: 0 })), 'options.startTime.hours', ['-1']],
    ['startTime missing', (c: PushClient) => c.setSilentModeForAll({ options: { paramType: 2, endTime: { hours: 1, minutes: 0 } } }), 'options.startTime', ['{hours, minutes}']],
    ['negative duration', (c: PushClient) => c.setSilentModeForAll({ options: { paramType: 1, duration: -1 } }), 'options.duration', ['-1', '604800000']],
    ['duration over 7 days', (c: PushClient) => c.setSilentModeForAll({ options: { paramType: 1, duration: 604_800_001 } }), 'options.duration', ['604800001', '7 days']],
    ['conversation duration over 7 days', (c: PushClient) => c.setSilentModeForConversation({ ...conv, options: { paramType: 1, duration: 8 * 86_400_000 } }), 'options.duration', ['691200000', '7 days']],
    ['duration as a string', (c: PushClient) => c.setSilentModeForAll({ options: { paramType: 1, duration: '3600000' } }), 'options.duration', ['"3600000"', 'integer']],
    ['unknown remind type', (c: PushClient) => c.setSilentModeForAll({ options: { paramType: 0, remindType: 'MENTION' } }), 'options.remindType', ['"MENTION"', '"ALL", "AT", "NONE"']],
    ['lower-case remind type', (c: PushClient) => c.setSilentModeForConversation({ ...conv, options: { paramType: 0, remindType: 'all' } }), 'options.remindType', ['"all"']],
    ['unknown paramType', (c: PushClient) => c.setSilentModeForAll({ options: { paramType: 7 } }), 'options.paramType', ['7']],
    ['a window for a conversation', (c: PushClient) => c.setSilentModeForConversation({ ...conv, ...window({ hours: 1, minutes: 0 }) }), 'options.paramType', ['whole app']],
    ['unknown conversation type', (c: PushClient) => c.getSilentModeForConversation({ conversationId: 'g1', type: 'group' }), 'type', ['"group"', '"singleChat", "groupChat", "chatRoom"']],
    ['unknown conversation type on set', (c: PushClient) => c.setSilentModeForConversation({ conversationId: 'g1', type: 'channel', options: { paramType: 0, remindType: 'ALL' } }), 'type', ['"channel"']],
    ['unknown conversation type on clear', (c: PushClient) => c.clearRemindTypeForConversation({ conversationId: 'g1', type: 1 }), 'type', ['1']],
    ['empty conversation id', (c: PushClient) => c.clearRemindTypeForConversation({ conversationId: '', type: 'singleChat' }), 'conversationId', ['""']],
    ['21 conversations', (c: PushClient) => c.getSilentModeForConversations({ conversationList: Array.from({ length: 21 }, (_, i) => ({ id: `g${i}`, type: 'groupChat' })) }), 'conversationList', ['21', 'at most 20']],
    ['a bad conversation in the list', (c: PushClient) => c.getSilentModeForConversations({ conversationList: [{ id: 'g1', type: 'groupChat' }, { id: 'x', type: 'room' }] }), 'conversationList[1].type', ['"room"']],
    ['unknown language', (c: PushClient) => c.setPushPerformLanguage({ language: 'zh-CN' }), 'language', ['"zh-CN"', 'zh-Hans']],
    ['token without device id', (c: PushClient) => c.uploadPushToken({ deviceToken: 'x', notifierName: 'webpush' }), 'deviceId', ['the device resource']],
    ['token without notifier', (c: PushClient) => c.uploadPushToken({ deviceId: 'web', deviceToken: 'x' }), 'notifierName', ['push certificate']],
    ['page size 0', (c: PushClient) => c.getSilentModeRemindTypeConversations({ pageSize: 0 }), 'pageSize', ['0', '1 to 100']],
    ['no params at all', (c: PushClient) => c.setSilentModeForAll(undefined), 'params', ['an object']],
  ] as const)('%s', async (_name, run, field, mentions) => {
    await expectRefused(run, field, [...mentions]);
  });

  it('every settings call needs a session first', async () => {
    const rec = recordingFetch();
    const client = new PushClient({ baseUrl: 'http://127.0.0.1:9', appKey: 'demo#im', fetch: rec.fetch });
    await expect(client.getSilentModeForAll()).rejects.toMatchObject({ kind: 'invalid_argument', error: 'unauthorized' });
    expect(rec.calls).toHaveLength(0);
  });

  it('signIn checks username and password', async () => {
    const rec = recordingFetch();
    const client = new PushClient({ baseUrl: 'http://127.0.0.1:9', appKey: 'demo#im', fetch: rec.fetch });
    await expect(client.signIn({ username: 'al ice', password: 'x' })).rejects.toMatchObject({ kind: 'invalid_argument', field: 'username', message: expect.stringContaining('"al ice"') });
    await expect(client.signIn({ username: 'alice', password: '' })).rejects.toMatchObject({ kind: 'invalid_argument', field: 'password' });
    expect(rec.calls).toHaveLength(0);
  });

  it('the constructor checks the app key and the base URL', () => {
    expect(() => new PushClient({ baseUrl: 'http://h', appKey: 'demo' })).toThrow(/appKey "demo": an app key "org#app"/);
    expect(() => new PushClient({ baseUrl: 'not a url', appKey: 'demo#im' })).toThrow(/baseUrl "not a url"/);
    expect(() => new PushClient({ baseUrl: 'ftp://h', appKey: 'demo#im' })).toThrow(/baseUrl "ftp:\/\/h": an http\(s\) URL/);
  });
});
