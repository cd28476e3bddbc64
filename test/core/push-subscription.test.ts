// SPEC 3.5: a webpush device token is a PushSubscription with an https public endpoint and sound keys.
import { describe, expect, it } from 'vitest';
import {
  base64UrlByteLength, base64UrlDecode, isLocalHostName, isNonPublicAddress, parseWebPushSubscription,
} from '../../src/core/index.ts';
import { expectFieldError, okValue } from './fixtures.ts';

const b64u = (bytes: number[]) => Buffer.from(bytes).toString('base64url');
const P256DH = b64u([4, ...Array.from({ length: 64 }, (_, i) => i + 1)]);
const AUTH = b64u(Array.from({ length: 16 }, (_, i) => 200 + i));
const ENDPOINT = 'https://fcm.googleapis.com/fcm/send/abc123';

const token = (over: { endpoint?: unknown; p256dh?: unknown; auth?: unknown } = {}) =>
  JSON.stringify({ endpoint: over.endpoint ?? ENDPOINT, keys: { p256dh: over.p256dh ?? P256DH, auth: over.auth ?? AUTH } });
const pub = { allowPrivate: false };
const priv = { allowPrivate: true };

describe('parseWebPushSubscription', () => {
  it('accepts a real-shaped subscription', () => {
    expect(okValue(parseWebPushSubscription(token(), pub))).toEqual({ endpoint: ENDPOINT, keys: { p256dh: P256DH, auth: AUTH } });
  });

  it('accepts padded base64url keys', () => {
    const padded = Buffer.from(Array(16).fill(7)).toString('base64url') + '==';
    expect(parseWebPushSubscription(token({ auth: padded }), pub).ok).toBe(true);
  });

  it('refuses a token that is not JSON', () => {
    expectFieldError(parseWebPushSubscription('not json', pub), 'device_token', 'not json', 'the JSON of a PushSubscription');
  });

  it.each([
    ['http://fcm.googleapis.com/x', 'push endpoints must use https'],
    ['ftp://example.com/x', 'push endpoints must use https'],
    ['not a url', 'an https URL'],
    ['https://user:pw@push.example.com/x', 'without credentials'],
  ])('refuses the endpoint %s', (endpoint, allowed) => {
    expectFieldError(parseWebPushSubscription(token({ endpoint }), priv), 'device_token.endpoint', endpoint, allowed);
  });

  it('refuses a missing endpoint', () => {
    expectFieldError(parseWebPushSubscription('{"keys":{}}', pub), 'device_token.endpoint', undefined, 'an https URL');
  });

  it.each([
    'https://localhost/push',
    'https://LOCALHOST./push',
    'https://push.localhost/x',
    'https://printer.local/x',
    'https://api.internal/x',
    'https://127.0.0.1/x',
    'https://127.1/x',
    'https://2130706433/x',
    'https://10.1.2.3/x',
    'https://172.16.0.1/x',
    'https://172.31.255.255/x',
    'https://192.168.1.1/x',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/x',
    'https://0.0.0.0/x',
    'https://[::1]/x',
    'https://[::]/x',
    'https://[fd00::1]/x',
    'https://[fe80::1]/x',
    'https://[::ffff:127.0.0.1]/x', // URL() turns this into [::ffff:7f00:1]
    'https://[::ffff:192.168.0.1]/x',
    'https://[::ffff:a9fe:a9fe]/x',
  ])('refuses the private or loopback endpoint %s unless allowPrivate', (endpoint) => {
    expectFieldError(parseWebPushSubscription(token({ endpoint }), pub), 'device_token.endpoint', endpoint, '--allow-private-push-endpoints');
    expect(parseWebPushSubscription(token({ endpoint }), priv).ok).toBe(true);
  });

  it.each(['https://8.8.8.8/x', 'https://172.32.0.1/x', 'https://[2001:4860::8888]/x', 'https://[::ffff:8.8.8.8]/x', 'https://updates.push.services.mozilla.com/wpush/v2/x'])(
    'accepts the public endpoint %s',
    (endpoint) => {
      expect(parseWebPushSubscription(token({ endpoint }), pub).ok).toBe(true);
    },
  );

  it.each([
    ['64 bytes', b64u([4, ...Array(63).fill(1)])],
    ['66 bytes', b64u([4, ...Array(65).fill(1)])],
    ['65 bytes not starting with 0x04', b64u([2, ...Array(64).fill(1)])],
    ['standard base64 with + and /', Buffer.from([4, ...Array(64).fill(0xfb)]).toString('base64')],
    ['not a string', 12],
  ])('refuses a p256dh of %s', (_what, p256dh) => {
    expectFieldError(parseWebPushSubscription(token({ p256dh }), pub), 'device_token.keys.p256dh', p256dh, '65 bytes');
  });

  it.each([
    ['15 bytes', b64u(Array(15).fill(1))],
    ['17 bytes', b64u(Array(17).fill(1))],
    ['empty', ''],
    ['not base64url', '!!!!!!!!!!!!!!!!!!!!!!'],
  ])('refuses an auth of %s', (_what, auth) => {
    expectFieldError(parseWebPushSubscription(token({ auth }), pub), 'device_token.keys.auth', auth, '16-byte');
  });

  it('refuses missing keys', () => {
    expectFieldError(parseWebPushSubscription(JSON.stringify({ endpoint: ENDPOINT }), pub), 'device_token.keys.p256dh', undefined, '65 bytes');
  });
});

describe('address helpers', () => {
  it('base64url length and decoding agree with Buffer', () => {
    for (const n of [0, 1, 2, 3, 16, 65]) {
      const bytes = Array.from({ length: n }, (_, i) => (i * 37) & 0xff);
      const text = b64u(bytes);
      expect(base64UrlByteLength(text)).toBe(n);
      expect([...base64UrlDecode(text)]).toEqual(bytes);
    }
    expect(base64UrlByteLength('a')).toBe(-1);
    expect(base64UrlByteLength('a+b/')).toBe(-1);
  });

  it('isNonPublicAddress and isLocalHostName', () => {
    expect(isNonPublicAddress('192.168.0.1')).toBe(true);
    expect(isNonPublicAddress('1.1.1.1')).toBe(false);
    expect(isNonPublicAddress('::ffff:7f00:1')).toBe(true);
    expect(isNonPublicAddress('::ffff:808:808')).toBe(false);
    expect(isNonPublicAddress('ff02::1')).toBe(true);
    expect(isLocalHostName('example.com')).toBe(false);
    expect(isLocalHostName('a.b.localhost')).toBe(true);
  });
});
