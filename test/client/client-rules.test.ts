// SPEC 1.7, 2, 3.8: setPushRules, skipQuietHoursOnce, getPushTrace and checkPush — the request
// each sends, and the arguments each refuses before any request.
import { describe, expect, it } from 'vitest';
import { PushClient, PushClientError } from '../../src/client/index.ts';
import { envelope, recordingFetch } from './recording-fetch.ts';

const P = '/demo/im/users/alice';
const NOW = Date.parse('2026-05-04T09:00:00Z');
const HOUR = 3_600_000;
const appData = {
  type: 'ALL', ignoreInterval: '', ignoreDuration: 0, timeZone: 'UTC',
  quietSchedule: [{ days: ['mon', 'tue'], interval: '22:0-7:0' }], windowSkipUntil: 0, prioritySenders: ['bob'], keywords: ['deploy'], summary: true,
};

function signedIn(data: unknown = appData, opts: { resource?: string } = {}) {
  const rec = recordingFetch(() => ({ json: envelope({ data }) }));
  const client = new PushClient({ baseUrl: 'http://127.0.0.1:9', appKey: 'demo#im', fetch: rec.fetch, retries: 0, now: () => NOW, ...opts });
  client.setSession('tok', 'alice');
  return { client, calls: rec.calls };
}

describe('requests', () => {
  it('setPushRules sends the normalised rules to the app-settings path and resolves to the whole settings', async () => {
    const { client, calls } = signedIn(appData, { resource: 'web' });
    const res = await client.setPushRules({
      quietSchedule: [{ days: ['mon', 'tue'], interval: '22:00-07:00' }, { days: ['sat'], interval: '0:0-0:0' }],
      prioritySenders: ['Bob', 'bob'],
      keywords: [' deploy ', 'Deploy', '紧急'],
      summary: true,
    });
    expect(res).toEqual({ type: 0, data: appData });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('PUT');
    expect(calls[0]!.path).toBe(`${P}/notification/user/alice`);
    expect(calls[0]!.query).toEqual({ resource: 'web' });
    expect(calls[0]!.body).toEqual({
      quietSchedule: [{ days: ['mon', 'tue'], interval: '22:0-7:0' }, { days: ['sat'], interval: '0:0-0:0' }],
      prioritySenders: ['bob'], keywords: ['deploy', '紧急'], summary: true,
    });
  });

  it('setPushRules with [] clears one rule and sends only that', async () => {
    const { client, calls } = signedIn();
    await client.setPushRules({ keywords: [] });
    expect(calls[0]!.body).toEqual({ keywords: [] });
  });

  it('skipQuietHoursOnce sends windowSkipUntil; 0 ends the skip', async () => {
    const { client, calls } = signedIn();
    await client.skipQuietHoursOnce({ until: NOW + 8 * HOUR });
    await client.skipQuietHoursOnce({ until: 0 });
    expect(calls.map((c) => [c.method, c.path, c.body])).toEqual([
      ['PUT', `${P}/notification/user/alice`, { windowSkipUntil: NOW + 8 * HOUR }],
      ['PUT', `${P}/notification/user/alice`, { windowSkipUntil: 0 }],
    ]);
  });

  it('getPushTrace sends limit only when given', async () => {
    const trace = [{ messageId: 'm1', ts: 1, conversation: { id: 'g1', type: 'groupChat' }, from: 'bob', push: true, reason: 'PUSH', mention: 'KEYWORD', devices: [] }];
    const { client, calls } = signedIn(trace);
    await expect(client.getPushTrace({ limit: 5 })).resolves.toEqual({ type: 0, data: trace });
    await client.getPushTrace();
    expect(calls.map((c) => [c.method, c.path, c.query])).toEqual([
      ['GET', `${P}/notification/trace`, { limit: '5' }],
      ['GET', `${P}/notification/trace`, {}],
    ]);
  });

  it('checkPush posts the hypothetical message and resolves to the answer', async () => {
    const answer = { push: false, reason: 'DND_APP_WINDOW', quietUntil: NOW + HOUR };
    const { client, calls } = signedIn(answer);
    await expect(client.checkPush({ conversation: { id: 'g1', type: 'groupChat' }, from: 'Bob', text: 'deploy?', mentioned: false, at: NOW })).resolves.toEqual({ type: 0, data: answer });
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.path).toBe(`${P}/notification/check`);
    expect(calls[0]!.body).toEqual({ conversation: { id: 'g1', type: 'groupChat' }, from: 'bob', text: 'deploy?', mentioned: false, at: NOW });
  });

  it('getSilentModeForAll returns the 1.7 fields as the server sends them', async () => {
    const { client } = signedIn();
    await expect(client.getSilentModeForAll()).resolves.toEqual({ type: 0, data: appData });
  });
});

/** Expects an invalid_argument error naming the field, with no request made. */
async function expectRefused(run: (c: PushClient) => Promise<unknown>, field: string, mentions: string[]) {
  const { client, calls } = signedIn();
  const err = await run(client).then(
    () => { throw new Error('expected a rejection'); },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PushClientError);
  const e = err as PushClientError;
  expect(e.kind).toBe('invalid_argument');
  expect(e.field).toBe(field);
  expect(e.error_description.startsWith(field)).toBe(true);
  for (const text of mentions) expect(e.error_description).toContain(text);
  expect(calls).toHaveLength(0);
}

describe('validation before any request', () => {
  it.each([
    ['setPushRules: no rule', (c: PushClient) => c.setPushRules({}), 'params', ['at least one of quietSchedule, prioritySenders, keywords, summary']],
    ['setPushRules: unknown field', (c: PushClient) => c.setPushRules({ windowSkipUntil: 5 }), 'windowSkipUntil', ['unknown field', 'quietSchedule, prioritySenders, keywords, summary', 'skipQuietHoursOnce']],
    ['setPushRules: a repeated day', (c: PushClient) => c.setPushRules({ quietSchedule: [{ days: ['mon'], interval: '1:0-2:0' }, { days: ['mon'], interval: '1:0-2:0' }, { days: ['fri', 'fri'], interval: '1:0-2:0' }] }),
      'quietSchedule[2].days[1]', ['"fri"', 'repeated; each day at most once']],
    ['setPushRules: a bad interval', (c: PushClient) => c.setPushRules({ quietSchedule: [{ days: ['mon'], interval: '7-9' }] }), 'quietSchedule[0].interval', ['"7-9"', 'H:M-H:M']],
    ['setPushRules: 15 entries', (c: PushClient) => c.setPushRules({ quietSchedule: Array.from({ length: 15 }, () => ({ days: ['mon'], interval: '1:0-2:0' })) }), 'quietSchedule', ['at most 14 entries']],
    ['setPushRules: a bad username', (c: PushClient) => c.setPushRules({ prioritySenders: ['bo b'] }), 'prioritySenders[0]', ['"bo b"', '1–64 characters']],
    ['setPushRules: a long keyword', (c: PushClient) => c.setPushRules({ keywords: ['x'.repeat(41)] }), 'keywords[0]', ['1–40 characters']],
    ['setPushRules: summary not a boolean', (c: PushClient) => c.setPushRules({ summary: 'on' }), 'summary', ['"on"', 'true or false']],
    ['skipQuietHoursOnce: more than 24 h ahead', (c: PushClient) => c.skipQuietHoursOnce({ until: NOW + 25 * HOUR }), 'until', [String(NOW + 25 * HOUR), 'at most 24 hours ahead']],
    ['skipQuietHoursOnce: in the past', (c: PushClient) => c.skipQuietHoursOnce({ until: NOW - 1 }), 'until', ['after now']],
    ['skipQuietHoursOnce: not a number', (c: PushClient) => c.skipQuietHoursOnce({ until: 'tonight' }), 'until', ['"tonight"', '0 to stop skipping']],
    ['getPushTrace: limit 0', (c: PushClient) => c.getPushTrace({ limit: 0 }), 'limit', ['an integer from 1 to 100']],
    ['getPushTrace: limit 101', (c: PushClient) => c.getPushTrace({ limit: 101 }), 'limit', ['an integer from 1 to 100']],
    ['checkPush: no conversation', (c: PushClient) => c.checkPush({ from: 'bob' }), 'conversation', ['is missing']],
    ['checkPush: bad type', (c: PushClient) => c.checkPush({ conversation: { id: 'g', type: 'group' } }), 'conversation.type', ['"group"', 'singleChat']],
    ['checkPush: bad sender', (c: PushClient) => c.checkPush({ conversation: { id: 'g', type: 'groupChat' }, from: 'a b' }), 'from', ['"a b"']],
    ['checkPush: mentioned not a boolean', (c: PushClient) => c.checkPush({ conversation: { id: 'g', type: 'groupChat' }, mentioned: 'yes' }), 'mentioned', ['true or false']],
  ] as const)('%s', async (_name, run, field, mentions) => {
    await expectRefused(run, field, [...mentions]);
  });
});
