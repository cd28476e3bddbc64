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

/**
 * Every range the SSRF rule refuses, at its edges, and the public neighbours just outside
 * (server/push/ssrf.ts applies the same rule to resolved addresses).
 */
const ADDRESSES: ReadonlyArray<readonly [string, boolean]> = [
  // IPv4: this network, private, loopback, shared (CGNAT), link-local, benchmarking, IETF, multicast and up
  ['0.1.2.3', true], ['1.0.0.0', false],
  ['10.0.0.1', true], ['9.255.255.255', false], ['11.0.0.1', false],
  ['127.0.0.1', true], ['126.255.255.255', false], ['128.0.0.1', false],
  ['100.64.0.1', true], ['100.127.255.255', true], ['100.63.255.255', false], ['100.128.0.0', false], ['8.100.1.1', false],
  ['169.254.1.1', true], ['169.253.1.1', false], ['170.254.0.1', false], ['8.254.0.1', false],
  ['172.16.0.1', true], ['172.31.255.255', true], ['172.15.0.1', false], ['172.32.0.1', false], ['8.20.0.1', false],
  ['192.168.1.1', true], ['192.169.0.1', false], ['8.168.0.1', false],
  ['192.0.0.1', true], ['192.1.0.1', false], ['8.0.0.1', false],
  ['198.18.0.1', true], ['198.19.255.255', true], ['198.17.0.1', false], ['198.20.0.1', false], ['8.18.0.1', false], ['8.19.0.1', false],
  ['224.0.0.1', true], ['255.255.255.255', true], ['223.255.255.255', false],
  ['93.184.216.34', false],
  // only a literal address is judged; anything else is a name for the resolver
  ['a127.0.0.1', false], ['127.0.0.1a', false],
  // IPv6: unspecified, loopback, and the forms that carry an IPv4 address, judged by it
  ['::', true], ['::1', true], ['2606:4700::1', false], ['[::1]', true], ['[2606:4700::1]', false],
  ['::ffff:127.0.0.1', true], ['::ffff:93.184.216.34', false], ['::ffff:7f00:1', true], ['::ffff:808:808', false],
  ['::ffff:8.8.8.255', false], ['::ffff:256.1.1.1', true], ['::ffff:8.8.8.8x', true],
  ['2606:4700::ffff:7f00:1', false],
  ['::ffff:0:127.0.0.1', true], ['::ffff:0:8.8.8.8', false], ['2606:4700:0:0:ffff:0:7f00:1', false],
  ['::127.0.0.1', true], ['::8.8.8.8', false],
  ['64:ff9b::7f00:1', true], ['64:ff9b::808:808', false],
  ['64:ff9b:1::1', true],
  // next to NAT64 but not it: still inside reserved ::/8
  ['65:ff9b::808:808', true], ['64:ff9c::808:808', true], ['64:ff9b:2::1', true],
  ['2002:7f00:1::', true], ['2002:808:808::', false],
  // Teredo, documentation, discard, unique-local, link-local, site-local, multicast
  ['2001::1', true], ['2001:0:1::1', true], ['2606::1', false], ['2606:4700:1::1', false],
  // the rest of ::/8 is reserved, whatever IPv4 address its last groups spell
  ['::1:808:808', true], ['::1:0:808:808', true], ['0:0:0:0:1::', true], ['ff::1', true],
  ['2001:db8::1', true], ['2606:db8::1', false],
  ['100::1', true], ['100:0:0:1::', false],
  ['fc00::1', true], ['fd12:3456::1', true], ['fe80::1', true], ['fec0::1', true], ['ff02::1', true], ['fe00::1', false],
  // zone ids are dropped before judging
  ['fe80::1%eth0', true], ['2606:4700::1%eth0', false],
  // full forms, and forms that are not IPv6 at all (refused rather than guessed)
  ['2606:4700:4700:0:0:0:0:1111', false], ['2606:1:2:3:4:5::7', false],
  ['1:2:3:4:5:6:7', true], ['1:2:3:4:5:6:7:8:9', true], ['1::2::3', true], ['1:2:3:4::5:6:7:8', true],
  ['12345::1', true], ['2606:xyz::1', true],
];

describe('isNonPublicAddress', () => {
  it.each(ADDRESSES)('%s → %s', (ip, expected) => {
    expect(isNonPublicAddress(ip)).toBe(expected);
  });

  it('names that are not addresses are left to the resolver', () => {
    expect(isNonPublicAddress('push.example.com')).toBe(false);
  });
});

describe('base64url with padding', () => {
  it('decodes padded text to the same bytes as unpadded', () => {
    expect([...base64UrlDecode('AQ==')]).toEqual([1]);
    expect([...base64UrlDecode('AQI=')]).toEqual([1, 2]);
    expect(base64UrlByteLength('AQ==')).toBe(1);
  });
});

describe('parseWebPushSubscription, odd JSON', () => {
  it.each([['null'], ['42'], ['"https://push.example"'], ['[]']])('%s has no endpoint', (t) => {
    expectFieldError(parseWebPushSubscription(t, pub), 'device_token.endpoint', undefined, 'an https URL');
  });

  it('refuses an endpoint with a user name only, or a password only', () => {
    expectFieldError(parseWebPushSubscription(token({ endpoint: 'https://user@push.example/x' }), pub), 'device_token.endpoint', 'https://user@push.example/x', 'without credentials');
    expectFieldError(parseWebPushSubscription(token({ endpoint: 'https://:pw@push.example/x' }), pub), 'device_token.endpoint', 'https://:pw@push.example/x', 'without credentials');
  });
});

