/** Every endpoint of SPEC 3 refuses a missing token (401 unauthorized), a bad one (401 auth_bad_access_token) and, where it acts for a user, another user's token (403). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, groupsWithIds, register, signIn, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
let bobToken: string;
beforeAll(async () => {
  s = await startTestServer();
  await register(s, 'alice', 'bob');
  groupsWithIds(s, ['g1'], ['alice']);
  bobToken = await signIn(s, 'bob');
});
afterAll(() => s.close());

/** [method, path, body, acts for alice (403 with bob's token)] */
const ENDPOINTS: [string, string, unknown, boolean][] = [
  ['PUT', '/users/alice/notification/user/alice', { type: 'AT' }, true],
  ['GET', '/users/alice/notification/user/alice', undefined, true],
  ['PUT', '/users/alice/notification/chatgroup/g1', { type: 'AT' }, true],
  ['GET', '/users/alice/notification/chatgroup/g1', undefined, true],
  ['GET', '/users/alice/notification?group=g1', undefined, true],
  ['GET', '/users/alice/notification/mute/type', undefined, true],
  ['PUT', '/users/alice/notification/language', { translationLanguage: 'en' }, true],
  ['GET', '/users/alice/notification/language', undefined, true],
  ['PUT', '/users/alice', { device_id: 'd', device_token: 'stream', notifier_name: 'stream' }, true],
  ['PUT', '/users/alice/push/binding', { device_id: 'd', device_token: 'stream', notifier_name: 'stream' }, true],
  ['GET', '/users/alice/push/binding', undefined, true],
  ['GET', '/users/alice/offline_msg_count', undefined, true],
  ['GET', '/users/alice/notification/trace', undefined, true],
  ['POST', '/users/alice/notification/check', { conversation: { id: 'bob', type: 'singleChat' } }, true],
  ['POST', '/users/alice/push/test', undefined, true],
  ['GET', '/users/alice/joined_chatgroups', undefined, true],
  ['GET', '/push/certificates', undefined, false],
  ['POST', '/messages/users', { to: ['alice'], type: 'txt', body: { msg: 'x' } }, false],
  ['PUT', '/push/policy', { policy: 'anyOffline' }, true],
  ['PUT', '/push/features', { advanced: true }, true],
  ['POST', '/chatgroups', { groupname: 'g', owner: 'alice' }, true],
  ['POST', '/chatrooms', { name: 'r', owner: 'alice' }, true],
  ['DELETE', '/users/alice/disconnect/web', undefined, true],
];

describe.each(ENDPOINTS)('%s %s', (method, path, body, actsForAlice) => {
  it('401 without a token', async () => {
    const r = await call(s.base, method, path, { body });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: 'unauthorized', error_description: expect.any(String), exception: expect.any(String), timestamp: expect.any(Number), duration: expect.any(Number) });
  });
  it('401 with a bad token', async () => {
    const r = await call(s.base, method, path, { body, token: 'YWMtnot-a-real-token' });
    expect(r.status).toBe(401);
    expect(r.json.error).toBe('auth_bad_access_token');
  });
  // Only endpoints that act for a named user have 'another user' to refuse.
  if (actsForAlice) it('403 with another user\'s token', async () => {
    const r = await call(s.base, method, path, { body, token: bobToken });
    expect(r.status).toBe(403);
    expect(r.json.error).toBe('forbidden');
  });
  it('answers the app token with 200', async () => {
    const r = await call(s.base, method, path, { body, token: s.appToken });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
  });
});
