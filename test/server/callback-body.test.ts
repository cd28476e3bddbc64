/** SPEC 9: callback bodies and their signature, the received-callback checks, the gateway's message mapping, and the flags. */
import { describe, expect, it } from 'vitest';
import { callbackBodies, callbackSignature, signatureMatches } from '../../src/server/callbacks/body.ts';
import { parseCommandLine } from '../../src/server/config.ts';
import { ApiError } from '../../src/server/errors.ts';
import { messageOf } from '../../src/server/gateway/events.ts';
import { mirrorBackoffMs } from '../../src/server/gateway/mirror.ts';
import { parseCallback } from '../../src/server/routes/callbacks.ts';
import type { ImMessage } from '../../src/server/store/ports.ts';

const TS = 1_700_000_000_000;
const SRC = { appKey: 'demo#im', secret: 's3cret-value', host: 'node-1', uuid: (() => { let i = 0; return () => `uuid-${++i}`; })() };

describe('callback signature (SPEC 9.1)', () => {
  it('is md5(callId + secret + timestamp) in lower-case hex', () => {
    expect(callbackSignature('demo#im_0b8a', 's3cret-value', TS)).toBe('e4657a9fa04549d1479344a0dffa4315');
  });
  it('is checked in constant time, any hex case, and refuses other secrets, ids, times and lengths', () => {
    const sig = callbackSignature('demo#im_1', 'k', TS);
    expect(signatureMatches(sig, 'demo#im_1', 'k', TS)).toBe(true);
    expect(signatureMatches(sig.toUpperCase(), 'demo#im_1', 'k', TS)).toBe(true);
    expect(signatureMatches(sig, 'demo#im_1', 'other', TS)).toBe(false);
    expect(signatureMatches(sig, 'demo#im_2', 'k', TS)).toBe(false);
    expect(signatureMatches(sig, 'demo#im_1', 'k', TS + 1)).toBe(false);
    expect(signatureMatches(sig.slice(1), 'demo#im_1', 'k', TS)).toBe(false);
    expect(signatureMatches('', 'demo#im_1', 'k', TS)).toBe(false);
  });
});

describe('callback bodies (SPEC 9.1)', () => {
  const direct: ImMessage = { id: '1001', from: 'bob', to: 'alice', conversation: { id: 'bob', type: 'singleChat' }, type: 'txt', body: { msg: 'hi' }, ext: { em_force_notification: true }, ts: TS };
  it('a direct message: `chat` once, `chat_offline` per offline recipient, each with its own callId and signature', () => {
    const [chat, offline, ...rest] = callbackBodies({ ...SRC, uuid: (() => { let i = 0; return () => `u${++i}`; })() }, direct, ['alice']);
    expect(rest).toEqual([]);
    expect(chat).toEqual({
      callId: 'demo#im_u1', eventType: 'chat', timestamp: TS, chat_type: 'chat', from: 'bob', to: 'alice', msg_id: '1001',
      payload: { bodies: [{ type: 'txt', msg: 'hi' }], ext: { em_force_notification: true } }, securityVersion: '1.0.0',
      security: callbackSignature('demo#im_u1', 's3cret-value', TS), appkey: 'demo#im', host: 'node-1',
    });
    expect(offline).toMatchObject({ callId: 'demo#im_u2', eventType: 'chat_offline', to: 'alice', security: callbackSignature('demo#im_u2', 's3cret-value', TS) });
    expect(offline).not.toHaveProperty('group_id');
  });
  it('a group message: `chat` to the group, `chat_offline` to each recipient with group_id; no ext when the message has none', () => {
    const group: ImMessage = { id: '1002', from: 'bob', to: 'g1', conversation: { id: 'g1', type: 'groupChat' }, type: 'img', body: { url: 'https://x/y.png' }, ts: TS };
    const bodies = callbackBodies(SRC, group, ['alice', 'carol']);
    expect(bodies.map((b) => [b.eventType, b.chat_type, b.to, b.group_id])).toEqual([
      ['chat', 'groupchat', 'g1', 'g1'], ['chat_offline', 'groupchat', 'alice', 'g1'], ['chat_offline', 'groupchat', 'carol', 'g1'],
    ]);
    expect(bodies[0]!.payload).toEqual({ bodies: [{ type: 'img', url: 'https://x/y.png' }] });
    expect(new Set(bodies.map((b) => b.callId)).size).toBe(3);
    for (const b of bodies) expect(b.callId.startsWith('demo#im_')).toBe(true);
  });
});

describe('received callbacks (SPEC 9.2)', () => {
  const good = () => ({
    callId: 'demo#im_1', eventType: 'chat_offline', timestamp: TS, chat_type: 'groupchat', group_id: 'g1', from: 'Bob', to: 'Alice', msg_id: '99',
    payload: { bodies: [{ type: 'txt', msg: 'hi' }], ext: { a: 1 } }, securityVersion: '1.0.0', security: 'x', appkey: 'demo#im', host: 'h',
  });
  it('reads the reference\'s fields (names lower-cased)', () => {
    expect(parseCallback(good())).toMatchObject({ from: 'bob', to: 'alice', group_id: 'g1', chat_type: 'groupchat' });
  });
  it.each([
    [{ timestamp: '1' }, 'timestamp'],
    [{ payload: { bodies: 'x' } }, 'payload'],
    [{ payload: { bodies: [], ext: [] } }, 'payload.ext'],
    [{ chat_type: 'broadcast' }, 'chat_type'],
    [{ callId: '' }, 'callId'],
    [{ from: 5 }, 'from'],
  ])('refuses %j with a 400 naming %s', (over, field) => {
    try {
      parseCallback({ ...good(), ...over });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(400);
      expect((e as ApiError).message.startsWith(field)).toBe(true);
    }
  });
  it('becomes the message the gateway stores: a group message once per recipient, unknown types as custom', () => {
    expect(messageOf(parseCallback(good()))).toEqual({ id: '99:alice', from: 'bob', to: 'alice', conversation: { id: 'g1', type: 'groupChat' }, type: 'txt', body: { msg: 'hi' }, ext: { a: 1 }, ts: TS });
    const d = parseCallback({ ...good(), chat_type: 'chat', group_id: undefined, payload: { bodies: [{ type: 'cmd', action: 'x' }] } });
    expect(messageOf(d)).toEqual({ id: '99', from: 'bob', to: 'alice', conversation: { id: 'bob', type: 'singleChat' }, type: 'custom', body: { action: 'x' }, ts: TS });
  });
  it('mirror retries start at 1 s, double, and stay at most 10 s apart', () => {
    expect([0, 1, 2, 3, 4, 5, 20].map(mirrorBackoffMs)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });
});

describe('flags (SPEC 9)', () => {
  const gw = ['--upstream', 'https://a1.easemob.com', '--upstream-app-key', 'acme#chat', '--upstream-client-id', 'id', '--upstream-client-secret', 'secret', '--callback-secret', 'shared-secret'];
  it('reads callback and gateway flags and their environment variables; the gateway serves the upstream\'s app key', () => {
    const a = parseCommandLine(['--callback-url', 'http://127.0.0.1:9000/cb'], { CALLBACK_SECRET: 'shared-secret', CALLBACK_RETRY_MS: '1500' });
    expect(a.ok && a.config.callback).toEqual({ url: 'http://127.0.0.1:9000/cb', secret: 'shared-secret', retryMs: 1500, timeoutMs: 5000 });
    const b = parseCommandLine([...gw, '--mirror-settings'], {});
    expect(b.ok && b.config.appKey).toBe('acme#chat');
    expect(b.ok && b.config.gateway).toEqual({ upstream: 'https://a1.easemob.com', appKey: 'acme#chat', clientId: 'id', clientSecret: 'secret', callbackSecret: 'shared-secret', mirrorSettings: true, decideDelayMs: 0 });
    expect(parseCommandLine([...gw, '--app-key', 'acme#chat'], {}).ok).toBe(true);
  });
  it.each([
    [['--callback-url', 'ftp://x'], {}, '--callback-url (CALLBACK_URL) is "ftp://x"'],
    [['--callback-url', 'http://x/cb'], {}, 'needs --callback-secret'],
    [['--callback-secret', 'shared-secret'], {}, 'is used with --callback-url'],
    [['--callback-url', 'http://x/cb', '--callback-secret', 'shared-secret', '--callback-retry-ms', 'soon'], {}, 'milliseconds from 0 to 3600000'],
    [['--upstream', 'https://a1.easemob.com', '--callback-secret', 'shared-secret'], {}, 'needs --upstream-app-key'],
    [[...gw.slice(0, 4), '--callback-secret', 'shared-secret'], {}, '--upstream-client-secret'],
    [[...gw, '--app-key', 'demo#im'], {}, 'a gateway serves the upstream\'s app key'],
    [['--mirror-settings'], {}, 'for gateway mode: add --upstream'],
    [[], { UPSTREAM_APP_KEY: 'acme#chat' }, 'for gateway mode'],
    [[...gw.slice(0, 2), '--upstream-app-key', 'nohash', ...gw.slice(4)], {}, '--upstream-app-key (UPSTREAM_APP_KEY) is "nohash"'],
  ])('refuses %j %j with a sentence containing %s', (argv, env, text) => {
    const r = parseCommandLine(argv as string[], env as Record<string, string>);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join(' ')).toContain(text);
  });
});
