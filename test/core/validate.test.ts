// SPEC 3 and 7: every request body, query and frame checked, errors naming field, value and what is allowed.
import { describe, expect, it } from 'vitest';
import {
  bindingBodySchema, checkBodySchema, createGroupBodySchema, createRoomBodySchema, featuresBodySchema, imClientFrameSchema,
  languageBodySchema, MAX_DURATION_MS, parseAppSettingsBody, parseBatchQuery, parseConversationSettingsBody, parseLimit,
  parseSendMessageBody, parseWith, policyBodySchema, registerBodySchema, streamClientFrameSchema, tokenBodySchema,
} from '../../src/core/index.ts';
import { expectFieldError, okValue } from './fixtures.ts';

describe('parseAppSettingsBody (PUT notification/user/{me})', () => {
  it('reads each field, and all of them combined', () => {
    expect(okValue(parseAppSettingsBody({ type: 'AT' }))).toEqual({ type: 'AT' });
    expect(okValue(parseAppSettingsBody({ ignoreDuration: 0 }))).toEqual({ durationMs: 0 });
    expect(okValue(parseAppSettingsBody({ ignoreDuration: MAX_DURATION_MS }))).toEqual({ durationMs: MAX_DURATION_MS });
    expect(okValue(parseAppSettingsBody({ ignoreInterval: '08:30-10:00' }))).toEqual({ window: { start: 510, end: 600 } });
    expect(okValue(parseAppSettingsBody({ ignoreInterval: '0:0-0:0' }))).toEqual({ window: null });
    expect(okValue(parseAppSettingsBody({ ignoreInterval: '' }))).toEqual({ window: null });
    expect(okValue(parseAppSettingsBody({ timeZone: 'europe/paris' }))).toEqual({ timeZone: 'Europe/Paris' });
    expect(okValue(parseAppSettingsBody({ type: 'NONE', ignoreDuration: 5, ignoreInterval: '22:0-7:0', timeZone: 'UTC' }))).toEqual({
      type: 'NONE', durationMs: 5, window: { start: 1320, end: 420 }, timeZone: 'UTC',
    });
  });

  it.each([
    [{ type: 'DEFAULT' }, 'type', 'DEFAULT', '"DEFAULT" applies to a conversation only'],
    [{ type: 'all' }, 'type', 'all', 'one of "ALL", "AT", "NONE"'],
    [{ type: 1 }, 'type', 1, 'one of "ALL", "AT", "NONE"'],
    [{ ignoreDuration: -1 }, 'ignoreDuration', -1, 'from 0 to 604800000 ms (7 days)'],
    [{ ignoreDuration: MAX_DURATION_MS + 1 }, 'ignoreDuration', MAX_DURATION_MS + 1, 'from 0 to 604800000 ms (7 days)'],
    [{ ignoreDuration: 1.5 }, 'ignoreDuration', 1.5, 'an integer number of milliseconds'],
    [{ ignoreDuration: '60000' }, 'ignoreDuration', '60000', 'an integer number of milliseconds'],
    [{ ignoreInterval: '24:0-1:0' }, 'ignoreInterval', '24:0-1:0', 'hours must be 0–23'],
    [{ ignoreInterval: '8:0-9:60' }, 'ignoreInterval', '8:0-9:60', 'minutes must be 0–59'],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone', 'Mars/Olympus', 'unknown time zone'],
    [{ colour: 'red' }, 'colour', 'red', 'unknown field; allowed fields are type, ignoreDuration, ignoreInterval, timeZone'],
    [{}, '(body)', {}, 'at least one of type, ignoreDuration, ignoreInterval, timeZone'],
    [null, '(body)', null, 'a JSON object'],
    [[], '(body)', [], 'a JSON object'],
    ['type=ALL', '(body)', 'type=ALL', 'a JSON object'],
  ])('refuses %j', (body, field, value, allowed) => {
    expectFieldError(parseAppSettingsBody(body), field, value, allowed);
  });

  it('reports every bad field at once', () => {
    const r = parseAppSettingsBody({ type: 'X', ignoreDuration: -5 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field).sort()).toEqual(['ignoreDuration', 'type']);
  });
});

describe('parseConversationSettingsBody (PUT notification/{user|chatgroup}/{id})', () => {
  it('DEFAULT clears the type (inherit) and touches nothing else', () => {
    expect(okValue(parseConversationSettingsBody({ type: 'DEFAULT' }))).toEqual({ type: null });
    expect(okValue(parseConversationSettingsBody({ type: 'AT', ignoreDuration: 3_600_000 }))).toEqual({ type: 'AT', durationMs: 3_600_000 });
    expect(okValue(parseConversationSettingsBody({ ignoreDuration: 0 }))).toEqual({ durationMs: 0 });
  });

  it.each([
    [{ ignoreInterval: '8:0-9:0' }, 'ignoreInterval', '8:0-9:0', 'a daily window applies to the whole app; use a duration'],
    [{ type: 'all' }, 'type', 'all', 'one of "ALL", "AT", "NONE", or "DEFAULT"'],
    [{ ignoreDuration: -1 }, 'ignoreDuration', -1, 'from 0 to 604800000'],
    [{ timeZone: 'UTC' }, 'timeZone', 'UTC', 'unknown field; allowed fields are type, ignoreDuration'],
    [{}, '(body)', {}, 'at least one of type, ignoreDuration'],
  ])('refuses %j', (body, field, value, allowed) => {
    expectFieldError(parseConversationSettingsBody(body), field, value, allowed);
  });
});

describe('bodies checked with parseWith', () => {
  it('language: case-insensitive, Azure spelling, suggestions', () => {
    expect(okValue(parseWith(languageBodySchema, { translationLanguage: 'ZH-hans' }))).toEqual({ translationLanguage: 'zh-Hans' });
    expect(okValue(parseWith(languageBodySchema, { translationLanguage: '' }))).toEqual({ translationLanguage: '' });
    const e = expectFieldError(parseWith(languageBodySchema, { translationLanguage: 'zh-CN' }), 'translationLanguage', 'zh-CN', 'did you mean "zh-Hans"');
    expect(e.message).toMatch(/^translationLanguage "zh-CN": unknown language code/);
    expectFieldError(parseWith(languageBodySchema, {}), 'translationLanguage', undefined, 'a Microsoft Translator language code');
  });

  it('binding body', () => {
    expect(okValue(parseWith(bindingBodySchema, { device_id: 'web', device_token: '', notifier_name: 'webpush' }))).toEqual({
      device_id: 'web', device_token: '', notifier_name: 'webpush',
    });
    expectFieldError(parseWith(bindingBodySchema, { device_id: '', device_token: '', notifier_name: 'webpush' }), 'device_id', '', 'the device resource, 1–64 characters');
    expectFieldError(parseWith(bindingBodySchema, { device_id: 'w', device_token: 'x'.repeat(4097), notifier_name: 'webpush' }), 'device_token', 'x'.repeat(4097), 'up to 4096 characters');
    expectFieldError(parseWith(bindingBodySchema, { device_id: 'w', device_token: '' }), 'notifier_name', undefined, 'the name of a push certificate');
  });

  it('token body: password and client_credentials', () => {
    expect(okValue(parseWith(tokenBodySchema, { grant_type: 'password', username: 'Alice', password: 'pw' }))).toEqual({ grant_type: 'password', username: 'alice', password: 'pw' });
    expect(parseWith(tokenBodySchema, { grant_type: 'client_credentials', client_id: 'a', client_secret: 'b', ttl: 3600 }).ok).toBe(true);
    expectFieldError(parseWith(tokenBodySchema, { grant_type: 'magic' }), 'grant_type', 'magic', '"password" or "client_credentials"');
    expectFieldError(parseWith(tokenBodySchema, { grant_type: 'password', username: 'al!ce', password: 'x' }), 'username', 'al!ce', '1–64 characters of a-z');
    expectFieldError(parseWith(tokenBodySchema, { grant_type: 'password', username: 'alice', password: '' }), 'password', '', 'non-empty');
    expectFieldError(parseWith(tokenBodySchema, { grant_type: 'password', username: 'alice', password: 'x', ttl: 10 }), 'ttl', 10, 'at least 60 seconds');
  });

  it('register, group and room bodies', () => {
    expect(okValue(parseWith(registerBodySchema, { username: 'Bob_1', password: 'x' }))).toEqual({ username: 'bob_1', password: 'x' });
    expectFieldError(parseWith(registerBodySchema, { username: 'x'.repeat(65), password: 'x' }), 'username', 'x'.repeat(65), '1–64 characters');
    expect(okValue(parseWith(createGroupBodySchema, { groupname: 'G', owner: 'Alice', members: ['Bob'] }))).toMatchObject({ owner: 'alice', members: ['bob'] });
    expectFieldError(parseWith(createGroupBodySchema, { groupname: '', owner: 'alice' }), 'groupname', '', 'a group name of 1–128 characters');
    expectFieldError(parseWith(createGroupBodySchema, { groupname: 'g', owner: 'alice', members: ['ok', 'b@d'] }), 'members[1]', 'b@d', '1–64 characters');
    expectFieldError(parseWith(createRoomBodySchema, { name: 'r', owner: 'alice', maxusers: 0 }), 'maxusers', 0, 'a positive integer');
  });

  it('check, policy and features bodies', () => {
    expect(parseWith(checkBodySchema, { conversation: { id: 'g', type: 'groupChat' }, mentioned: true, at: 1 }).ok).toBe(true);
    expectFieldError(parseWith(checkBodySchema, { conversation: { id: 'g', type: 'room' } }), 'conversation.type', 'room', 'one of "singleChat", "groupChat", "chatRoom"');
    expectFieldError(parseWith(checkBodySchema, { conversation: { id: 'g', type: 'groupChat' }, at: -1 }), 'at', -1, 'an instant in ms since epoch');
    expectFieldError(parseWith(policyBodySchema, { policy: 'someOffline' }), 'policy', 'someOffline', '"allOffline" or "anyOffline"');
    expectFieldError(parseWith(featuresBodySchema, { advanced: 'yes' }), 'advanced', 'yes', 'true or false');
  });

  it('WebSocket frames', () => {
    expect(parseWith(imClientFrameSchema, { op: 'auth', token: 't', resource: 'web' }).ok).toBe(true);
    expect(parseWith(imClientFrameSchema, { op: 'ack', id: 'm1' }).ok).toBe(true);
    expectFieldError(parseWith(imClientFrameSchema, { op: 'hello' }), 'op', 'hello', 'op must be "auth", "ack" or "ping"');
    expectFieldError(parseWith(imClientFrameSchema, { op: 'auth', token: 't', resource: '' }), 'resource', '', '1–64 characters');
    expectFieldError(parseWith(imClientFrameSchema, { op: 'ping', extra: 1 }), 'extra', 1, 'unknown field; allowed fields are op');
    expect(parseWith(streamClientFrameSchema, { op: 'ack', m: 'm1' }).ok).toBe(true);
    expectFieldError(parseWith(streamClientFrameSchema, { op: 'auth', token: 't' }), 'device_id', undefined, 'the device id');
  });

  it('a prefix names the root', () => {
    expectFieldError(parseWith(policyBodySchema, { policy: 1 }, 'body'), 'body.policy', 1, '"allOffline" or "anyOffline"');
  });
});

describe('parseSendMessageBody (POST messages/…)', () => {
  const base = { to: ['Bob'], type: 'txt', body: { msg: 'hi' } };

  it('accepts a text message, lower-cases users, drops routetype/sync_device, reads translations', () => {
    expect(okValue(parseSendMessageBody('users', { ...base, from: 'Alice', routetype: 'ROUTE_ONLINE', sync_device: true, translations: [{ language: 'EN', text: 'hi' }] }))).toEqual({
      from: 'alice', to: ['bob'], type: 'txt', body: { msg: 'hi' }, translations: [{ language: 'en', text: 'hi' }],
    });
    expect(okValue(parseSendMessageBody('chatgroups', { to: ['G1'], type: 'img', body: { url: 'x' } })).to).toEqual(['G1']);
  });

  it.each([
    ['users', { ...base, body: {} }, 'body.msg', undefined, 'a text message needs body.msg, a string'],
    ['users', { ...base, to: [] }, 'to', [], 'at least one recipient'],
    ['users', { ...base, to: Array(601).fill('u') }, 'to', Array(601).fill('u'), 'at most 600 users per call'],
    ['chatgroups', { ...base, to: ['a', 'b', 'c', 'd'] }, 'to', ['a', 'b', 'c', 'd'], 'at most 3 groups per call'],
    ['chatrooms', { ...base, to: Array(11).fill('r') }, 'to', Array(11).fill('r'), 'at most 10 rooms per call'],
    ['users', { ...base, type: 'gif' }, 'type', 'gif', 'one of "txt", "img", "audio", "video", "file", "loc", "custom"'],
    ['users', { ...base, translations: [{ language: 'xx-YY', text: 'x' }] }, 'translations[0].language', 'xx-YY', 'unknown language code'],
    ['users', { ...base, ext: [] }, 'ext', [], 'a JSON object'],
    ['users', { ...base, priority: 1 }, 'priority', 1, 'unknown field'],
  ] as const)('%s: refuses %j', (target, body, field, value, allowed) => {
    expectFieldError(parseSendMessageBody(target, body), field, value, allowed);
  });

  it('refuses body + ext over 5 KB and says how big it was', () => {
    const body = { msg: 'x'.repeat(3000) };
    const ext = { big: 'y'.repeat(3000) };
    const e = expectFieldError(parseSendMessageBody('users', { ...base, body, ext }), 'body', body, 'at most 5 KB (5120 bytes)');
    expect(e.allowed).toMatch(/this message has \d+/);
    expect(e.message.length).toBeLessThan(300); // the value is abbreviated, not dumped
  });
});

describe('query strings', () => {
  it('parseLimit', () => {
    expect(okValue(parseLimit(undefined, 10, 100))).toBe(10);
    expect(okValue(parseLimit('', 10, 100))).toBe(10);
    expect(okValue(parseLimit('100', 10, 100))).toBe(100);
    for (const bad of ['0', '101', '-1', '1.5', 'ten', ['5']]) expectFieldError(parseLimit(bad, 10, 100), 'limit', bad, 'an integer from 1 to 100');
  });

  it('parseBatchQuery: up to 20 ids in all, users lower-cased', () => {
    expect(okValue(parseBatchQuery({ user: 'Bob, carol', group: 'G1' }))).toEqual({ user: ['bob', 'carol'], group: ['G1'] });
    const ten = Array.from({ length: 10 }, (_, i) => `x${i}`).join(',');
    expect(parseBatchQuery({ user: ten, group: ten }).ok).toBe(true);
    expectFieldError(parseBatchQuery({ user: ten, group: `${ten},y` }), 'user,group', 21, 'at most 20 conversations in one request');
    expectFieldError(parseBatchQuery({}), 'user', undefined, 'at least one conversation id');
    expectFieldError(parseBatchQuery({ group: ['a', 'b'] }), 'group', ['a', 'b'], 'a comma-separated list of ids');
    expectFieldError(parseBatchQuery({ group: 'g'.repeat(129) }), 'group', 'g'.repeat(129), 'ids of 1–128 characters');
  });
});
