// SPEC 2–3: SDK arguments → REST calls, stored settings ↔ wire data, and the envelopes.
import { describe, expect, it } from 'vitest';
import {
  appSettingsFromWire, appSettingsToWire, conversationFromScope, conversationPath, conversationSettingsFromWire,
  conversationSettingsMatter, conversationSettingsToWire, errorEnvelope, isErrorEnvelope, MAX_DURATION_MS, optionsToBody,
  parseAppKey, sdkRequests, successEnvelope,
} from '../../src/core/index.ts';
import { app, expectFieldError, HOUR, okValue } from './fixtures.ts';

const ME = 'alice';
const conv = (type: string, conversationId = 'g 1') => ({ conversationId, type });

describe('sdkRequests: one REST call per SDK method', () => {
  it('setSilentModeForAll with each paramType', () => {
    expect(okValue(sdkRequests.setSilentModeForAll(ME, { options: { paramType: 0, remindType: 'AT' } }))).toEqual({
      method: 'PUT', path: '/users/alice/notification/user/alice', body: { type: 'AT' }, idempotent: true,
    });
    expect(okValue(sdkRequests.setSilentModeForAll(ME, { options: { paramType: 1, duration: 7_200_000 } })).body).toEqual({ ignoreDuration: 7_200_000 });
    expect(okValue(sdkRequests.setSilentModeForAll(ME, { options: { paramType: 2, startTime: { hours: 8, minutes: 0 }, endTime: { hours: 12, minutes: 0 } } })).body).toEqual({ ignoreInterval: '8:0-12:0' });
    expect(okValue(sdkRequests.setSilentModeForAll(ME, { options: { paramType: 2, startTime: { hours: 0, minutes: 0 }, endTime: { hours: 0, minutes: 0 } } })).body).toEqual({ ignoreInterval: '0:0-0:0' });
    expect(okValue(sdkRequests.setSilentModeForAll(ME, { options: { paramType: 2, startTime: { hours: 22, minutes: 30 }, endTime: { hours: 7, minutes: 0 }, timeZone: 'europe/paris' } })).body).toEqual({ ignoreInterval: '22:30-7:0', timeZone: 'Europe/Paris' });
  });

  it('getSilentModeForAll, language and token calls', () => {
    expect(okValue(sdkRequests.getSilentModeForAll(ME))).toEqual({ method: 'GET', path: '/users/alice/notification/user/alice', idempotent: true });
    expect(okValue(sdkRequests.setPushPerformLanguage(ME, { language: 'zh-hans' }))).toEqual({
      method: 'PUT', path: '/users/alice/notification/language', body: { translationLanguage: 'zh-Hans' }, idempotent: true,
    });
    expect(okValue(sdkRequests.setPushPerformLanguage(ME, { language: '' })).body).toEqual({ translationLanguage: '' });
    expect(okValue(sdkRequests.getPushPerformLanguage(ME))).toEqual({ method: 'GET', path: '/users/alice/notification/language', idempotent: true });
    expect(okValue(sdkRequests.uploadPushToken(ME, { deviceId: 'web', deviceToken: '{"endpoint":"x"}', notifierName: 'webpush' }))).toEqual({
      method: 'PUT', path: '/users/alice', body: { device_id: 'web', device_token: '{"endpoint":"x"}', notifier_name: 'webpush' }, idempotent: true,
    });
    expect(okValue(sdkRequests.uploadPushToken(ME, { deviceId: 'web', deviceToken: '', notifierName: 'webpush' })).body).toMatchObject({ device_token: '' });
  });

  it('conversation calls map singleChat to user/ and groups and rooms to chatgroup/, ids escaped', () => {
    expect(okValue(sdkRequests.setSilentModeForConversation(ME, { ...conv('singleChat', 'bob'), options: { paramType: 0, remindType: 'NONE' } }))).toEqual({
      method: 'PUT', path: '/users/alice/notification/user/bob', body: { type: 'NONE' }, idempotent: true,
    });
    expect(okValue(sdkRequests.setSilentModeForConversation(ME, { ...conv('groupChat'), options: { paramType: 1, duration: 0 } })).path).toBe('/users/alice/notification/chatgroup/g%201');
    expect(okValue(sdkRequests.getSilentModeForConversation(ME, conv('chatRoom', 'r/1')))).toEqual({ method: 'GET', path: '/users/alice/notification/chatgroup/r%2F1', idempotent: true });
    expect(okValue(sdkRequests.clearRemindTypeForConversation(ME, conv('groupChat', 'g1')))).toEqual({
      method: 'PUT', path: '/users/alice/notification/chatgroup/g1', body: { type: 'DEFAULT' }, idempotent: true,
    });
  });

  it('getSilentModeForConversations splits users and groups into the query', () => {
    const list = [{ id: 'bob', type: 'singleChat' }, { id: 'g1', type: 'groupChat' }, { id: 'r1', type: 'chatRoom' }, { id: 'carol', type: 'singleChat' }];
    expect(okValue(sdkRequests.getSilentModeForConversations(ME, { conversationList: list }))).toEqual({
      method: 'GET', path: '/users/alice/notification', query: { user: 'bob,carol', group: 'g1,r1' }, idempotent: true,
    });
    const twenty = Array.from({ length: 20 }, (_, i) => ({ id: `g${i}`, type: 'groupChat' }));
    expect(okValue(sdkRequests.getSilentModeForConversations(ME, { conversationList: twenty })).query).toEqual({ group: twenty.map((c) => c.id).join(',') });
  });

  it('getSilentModeRemindTypeConversations pages with limit and cursor', () => {
    expect(okValue(sdkRequests.getSilentModeRemindTypeConversations(ME, undefined))).toEqual({ method: 'GET', path: '/users/alice/notification/mute/type', query: { limit: '10' }, idempotent: true });
    expect(okValue(sdkRequests.getSilentModeRemindTypeConversations(ME, { pageSize: 50, cursor: 'abc' })).query).toEqual({ limit: '50', cursor: 'abc' });
    expect(okValue(sdkRequests.getSilentModeRemindTypeConversations(ME, { pageSize: 5, cursor: '' })).query).toEqual({ limit: '5' });
  });

  it('escapes the user in every path', () => {
    expect(okValue(sdkRequests.getSilentModeForAll('a.b')).path).toBe('/users/a.b/notification/user/a.b');
    expect(okValue(sdkRequests.getPushPerformLanguage('a/b')).path).toBe('/users/a%2Fb/notification/language');
  });

  it.each([
    ['setSilentModeForAll', undefined, 'params', undefined, 'an object'],
    ['setSilentModeForAll', {}, 'options', undefined, 'an object'],
    ['setSilentModeForAll', { options: { paramType: 3 } }, 'options.paramType', 3, '0 (remind type), 1 (duration) or 2 (daily window)'],
    ['setSilentModeForAll', { options: { paramType: 0, remindType: 'SOME' } }, 'options.remindType', 'SOME', 'one of "ALL", "AT", "NONE"'],
    ['setSilentModeForAll', { options: { paramType: 0, remindType: 'DEFAULT' } }, 'options.remindType', 'DEFAULT', 'one of "ALL", "AT", "NONE"'],
    ['setSilentModeForAll', { options: { paramType: 1, duration: -1 } }, 'options.duration', -1, 'from 0 to 604800000 ms'],
    ['setSilentModeForAll', { options: { paramType: 1, duration: MAX_DURATION_MS + 1 } }, 'options.duration', MAX_DURATION_MS + 1, 'from 0 to 604800000 ms'],
    ['setSilentModeForAll', { options: { paramType: 2, startTime: { hours: 25, minutes: 0 }, endTime: { hours: 8, minutes: 0 } } }, 'options.startTime.hours', 25, 'from 0 to 23'],
    ['setSilentModeForAll', { options: { paramType: 2, startTime: { hours: 1, minutes: 0 }, endTime: { hours: 8, minutes: 75 } } }, 'options.endTime.minutes', 75, 'from 0 to 59'],
    ['setSilentModeForAll', { options: { paramType: 2, startTime: { hours: 1, minutes: 0 }, endTime: { hours: 8, minutes: 0 }, timeZone: 'Moon/Base' } }, 'options.timeZone', 'Moon/Base', 'unknown time zone'],
    ['setSilentModeForConversation', { ...conv('groupChat'), options: { paramType: 2, startTime: { hours: 1, minutes: 0 }, endTime: { hours: 2, minutes: 0 } } }, 'options.paramType', 2, 'a daily window applies to the whole app'],
    ['setSilentModeForConversation', { ...conv('groupChat'), options: { paramType: 5 } }, 'options.paramType', 5, '0 (remind type) or 1 (duration)'],
    ['setSilentModeForConversation', { ...conv('group'), options: { paramType: 0, remindType: 'ALL' } }, 'type', 'group', 'one of "singleChat", "groupChat", "chatRoom"'],
    ['getSilentModeForConversation', { conversationId: '', type: 'singleChat' }, 'conversationId', '', 'a conversation id of 1–128 characters'],
    ['getSilentModeForConversation', { conversationId: 7, type: 'singleChat' }, 'conversationId', 7, 'a conversation id of 1–128 characters'],
    ['clearRemindTypeForConversation', { conversationId: 'x', type: 'Single' }, 'type', 'Single', 'one of "singleChat", "groupChat", "chatRoom"'],
    ['getSilentModeForConversations', { conversationList: [] }, 'conversationList', [], 'an array of 1 to 20 {id, type}'],
    ['getSilentModeForConversations', {}, 'conversationList', undefined, 'an array of 1 to 20 {id, type}'],
    ['getSilentModeForConversations', { conversationList: Array(21).fill({ id: 'g', type: 'groupChat' }) }, 'conversationList', '21 conversations', 'at most 20 conversations per call'],
    ['getSilentModeForConversations', { conversationList: [{ id: 'g', type: 'groupChat' }, { id: 'h', type: 'group' }] }, 'conversationList[1].type', 'group', 'one of "singleChat"'],
    ['getSilentModeForConversations', { conversationList: [{ type: 'groupChat' }] }, 'conversationList[0].id', undefined, 'a conversation id'],
    ['getSilentModeForConversations', { conversationList: ['g1'] }, 'conversationList[0]', 'g1', 'an object'],
    ['setPushPerformLanguage', { language: 'zh-CN' }, 'language', 'zh-CN', 'did you mean "zh-Hans"'],
    ['setPushPerformLanguage', {}, 'language', undefined, 'a Microsoft Translator language code'],
    ['uploadPushToken', { deviceId: '', deviceToken: 't', notifierName: 'webpush' }, 'deviceId', '', 'the device resource, 1–64 characters'],
    ['uploadPushToken', { deviceId: 'web', deviceToken: null, notifierName: 'webpush' }, 'deviceToken', null, '"" unbinds'],
    ['uploadPushToken', { deviceId: 'web', deviceToken: 't', notifierName: '' }, 'notifierName', '', 'the name of a push certificate'],
    ['getSilentModeRemindTypeConversations', { pageSize: 0 }, 'pageSize', 0, 'an integer from 1 to 100'],
    ['getSilentModeRemindTypeConversations', { pageSize: 101 }, 'pageSize', 101, 'an integer from 1 to 100'],
    ['getSilentModeRemindTypeConversations', { pageSize: 10, cursor: 5 }, 'cursor', 5, 'the cursor string'],
  ] as const)('%s refuses %j', (method, params, field, value, allowed) => {
    const build = sdkRequests[method] as (user: string, p: unknown) => ReturnType<typeof sdkRequests.getSilentModeForAll>;
    expectFieldError(build(ME, params), field, value, allowed);
  });

  it('optionsToBody is shared by both scopes', () => {
    expect(okValue(optionsToBody({ paramType: 1, duration: 0 }, 'conversation'))).toEqual({ ignoreDuration: 0 });
  });
});

describe('settings on the wire', () => {
  const now = Date.UTC(2026, 4, 4, 9);

  it('appSettingsToWire: normalised window, expiry timestamp, expired duration reads 0', () => {
    const s = app({ type: 'AT', window: { start: 510, end: 600 }, durationUntil: now + HOUR, timeZone: 'Europe/Paris' });
    // SPEC 3.2: the 1.7 fields are always there, at their defaults when unset.
    const rules = { quietSchedule: [], windowSkipUntil: 0, prioritySenders: [], keywords: [], summary: false };
    expect(appSettingsToWire(s, now)).toEqual({ type: 'AT', ignoreInterval: '8:30-10:0', ignoreDuration: now + HOUR, timeZone: 'Europe/Paris', ...rules });
    expect(appSettingsToWire(s, now + HOUR).ignoreDuration).toBe(0);
    expect(appSettingsToWire(s, now + 2 * HOUR).ignoreDuration).toBe(0);
    expect(appSettingsToWire(app(), now)).toEqual({ type: 'ALL', ignoreInterval: '', ignoreDuration: 0, timeZone: 'UTC', ...rules });
  });

  it('conversationSettingsToWire: type absent when inherited', () => {
    expect(conversationSettingsToWire({ durationUntil: 0 }, now)).toEqual({ ignoreDuration: 0 });
    expect('type' in conversationSettingsToWire({ durationUntil: now + HOUR }, now)).toBe(false);
    expect(conversationSettingsToWire({ type: 'NONE', durationUntil: now + HOUR }, now)).toEqual({ type: 'NONE', ignoreDuration: now + HOUR });
    expect(conversationSettingsToWire({ type: 'AT', durationUntil: now - 1 }, now)).toEqual({ type: 'AT', ignoreDuration: 0 });
  });

  it('conversationSettingsMatter: left out of batch reads when inherited and expired', () => {
    expect(conversationSettingsMatter({ durationUntil: 0 }, now)).toBe(false);
    expect(conversationSettingsMatter({ durationUntil: now }, now)).toBe(false);
    expect(conversationSettingsMatter({ durationUntil: now + 1 }, now)).toBe(true);
    expect(conversationSettingsMatter({ type: 'ALL', durationUntil: 0 }, now)).toBe(true);
  });

  it('appSettingsFromWire reads back what appSettingsToWire wrote', () => {
    const s = app({ type: 'NONE', window: { start: 1320, end: 420 }, durationUntil: now + HOUR, timeZone: 'America/New_York' });
    expect(okValue(appSettingsFromWire(appSettingsToWire(s, now)))).toEqual(s);
    expect(okValue(appSettingsFromWire({ type: 'ALL' }, 'Europe/Paris'))).toEqual(app({ timeZone: 'Europe/Paris' }));
    expect(okValue(appSettingsFromWire({ type: 'ALL', timeZone: 'Moon/Base' }, 'UTC')).timeZone).toBe('UTC');
    expectFieldError(appSettingsFromWire({ type: 'SOME' }), 'data.type', 'SOME', 'one of "ALL", "AT", "NONE"');
    expectFieldError(appSettingsFromWire({ type: 'ALL', ignoreInterval: '25:0-1:0' }), 'data.ignoreInterval', '25:0-1:0', 'hours must be 0–23');
  });

  it('conversationSettingsFromWire', () => {
    expect(okValue(conversationSettingsFromWire({ ignoreDuration: 0 }))).toEqual({ durationUntil: 0 });
    expect(okValue(conversationSettingsFromWire({ type: 'AT', ignoreDuration: 5 }))).toEqual({ type: 'AT', durationUntil: 5 });
    expectFieldError(conversationSettingsFromWire({ ignoreDuration: -5 }), 'data.ignoreDuration', -5, '');
  });
});

describe('keys, paths and envelopes', () => {
  it('parseAppKey', () => {
    expect(okValue(parseAppKey('demo#im'))).toEqual({ org: 'demo', app: 'im' });
    for (const bad of ['demo', 'demo#', '#im', 'a#b#c', 'de mo#im', 5]) expectFieldError(parseAppKey(bad), 'appKey', bad, 'an app key "org#app"');
  });

  it('conversationPath and conversationFromScope', () => {
    expect(conversationPath('singleChat', 'bob')).toBe('user/bob');
    expect(conversationPath('chatRoom', 'r 1')).toBe('chatgroup/r%201');
    expect(conversationFromScope('user', 'bob')).toEqual({ id: 'bob', type: 'singleChat' });
    expect(conversationFromScope('chatgroup', 'g')).toEqual({ id: 'g', type: 'groupChat' });
    expect(conversationFromScope('chatgroup', 'r', true)).toEqual({ id: 'r', type: 'chatRoom' });
  });

  it('successEnvelope has the Easemob fields, with data or entities, and a cursor when paged', () => {
    const key = { org: 'demo', app: 'im' };
    const env = successEnvelope({ key, action: 'get', path: '/p', uri: 'http://h/demo/im/p', now: 1, duration: 2, data: { a: 1 } });
    expect(env).toEqual({ path: '/p', uri: 'http://h/demo/im/p', timestamp: 1, organization: 'demo', application: 'im', action: 'get', data: { a: 1 }, duration: 2, applicationName: 'im' });
    const ent = successEnvelope({ key, action: 'put', path: '/p', uri: 'u', now: 1, duration: 0, entities: [{ username: 'a' }], cursor: '' });
    expect(ent.entities).toEqual([{ username: 'a' }]);
    expect('data' in ent).toBe(false);
    expect(ent.cursor).toBe('');
  });

  it('errorEnvelope and isErrorEnvelope', () => {
    const e = errorEnvelope('illegal_argument', 'ignoreInterval "24:0-1:0": hours must be 0–23', 5);
    expect(e).toEqual({ error: 'illegal_argument', exception: 'im.push.companion.illegalArgumentException', timestamp: 5, duration: 0, error_description: 'ignoreInterval "24:0-1:0": hours must be 0–23' });
    expect(isErrorEnvelope(e)).toBe(true);
    expect(isErrorEnvelope({ error: 'x' })).toBe(false);
    expect(isErrorEnvelope(null)).toBe(false);
  });
});
