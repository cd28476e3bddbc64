/**
 * SPEC 7 REST limits: 429 resource_limited with Retry-After, never a stall. Requests per token,
 * sign-in failures per (username, address) and per address, and bounded password hashing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { call, register, signIn, startTestServer, type TestServer } from './helpers.ts';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const wrong = (username: string) => ({ body: { grant_type: 'password', username, password: 'not-the-password' } });

describe('--rate-limit', () => {
  it('answers 429 resource_limited with Retry-After past the burst, per token', async () => {
    s = await startTestServer({ rateLimit: 5 });
    await register(s, 'ann', 'ben');
    const ann = await signIn(s, 'ann');
    const ben = await signIn(s, 'ben');
    const statuses: number[] = [];
    let limited;
    for (let i = 0; i < 15; i++) {
      const r = await call(s.base, 'GET', '/users/ann/push/binding', { token: ann });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(10);
    expect(limited?.json.error).toBe('resource_limited');
    expect(String(limited?.json.error_description)).toMatch(/at most 5 per second/);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another token is not affected.
    expect((await call(s.base, 'GET', '/users/ben/push/binding', { token: ben })).status).toBe(200);
  });

  it('limits made-up tokens per address, so cycling them does not get a fresh bucket each time', async () => {
    s = await startTestServer({ rateLimit: 5 });
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push((await call(s.base, 'GET', '/push/certificates', { token: `YWMtmade-up-${i}` })).status);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes.slice(-3)).toEqual([429, 429, 429]);
  });

  it('is off with 0', async () => {
    s = await startTestServer({ rateLimit: 0 });
    await register(s, 'ann');
    const ann = await signIn(s, 'ann');
    const rs = await Promise.all(Array.from({ length: 50 }, () => call(s!.base, 'GET', '/users/ann/push/binding', { token: ann })));
    expect(rs.every((r) => r.status === 200)).toBe(true);
  });
});

describe('sign-in failures', () => {
  it('locks one (username, address) pair after 10 failures in 5 minutes, even for the right password, until the window ends', async () => {
    let now = Date.now();
    s = await startTestServer({ now: () => now });
    await register(s, 'ann', 'ben');
    for (let i = 0; i < 10; i++) expect((await call(s.base, 'POST', '/token', wrong('ann'))).status).toBe(401);
    const locked = await call(s.base, 'POST', '/token', { body: { grant_type: 'password', username: 'ann', password: 'ann' } });
    expect(locked.status).toBe(429);
    expect(locked.json.error).toBe('resource_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(200);
    // Nobody else's pair is affected.
    await signIn(s, 'ben');
    now += 5 * 60_000 + 1;
    await signIn(s, 'ann');
  });

  it('locks an address after 100 failures in 5 minutes', async () => {
    s = await startTestServer({ rateLimit: 0 });
    await register(s, 'ann');
    for (let i = 0; i < 100; i += 10) {
      const rs = await Promise.all(Array.from({ length: 10 }, (_, j) => call(s!.base, 'POST', '/token', wrong(`nobody${i + j}`))));
      expect(rs.map((r) => r.status)).toEqual(Array(10).fill(401));
    }
    const r = await call(s.base, 'POST', '/token', { body: { grant_type: 'password', username: 'ann', password: 'ann' } });
    expect(r.status).toBe(429);
    expect(String(r.json.error_description)).toMatch(/from this address: at most 100/);
  });
});

describe('password hashing', () => {
  it('refuses quickly with 429 when too many sign-ins wait, instead of queueing without end', async () => {
    s = await startTestServer({ rateLimit: 0 });
    await register(s, 'ann');
    const t0 = Date.now();
    const rs = await Promise.all(
      Array.from({ length: 120 }, () => call(s!.base, 'POST', '/token', { body: { grant_type: 'password', username: 'ann', password: 'ann' } })),
    );
    const codes = rs.map((r) => r.status);
    expect(codes.filter((c) => c === 200).length).toBeGreaterThanOrEqual(4);
    const limited = rs.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
    expect(codes.every((c) => c === 200 || c === 429)).toBe(true);
    console.log(`120 concurrent sign-ins: ${codes.filter((c) => c === 200).length} signed in, ${limited.length} refused, in ${Date.now() - t0} ms`);
  });
});

describe('--rate-limit flag', () => {
  it('reads the flag and RATE_LIMIT, defaults to 100, and refuses a bad value with a sentence', async () => {
    const { parseCommandLine } = await import('../../src/server/config.ts');
    const pick = (r: ReturnType<typeof parseCommandLine>) => (r.ok ? r.config.rateLimit : r.errors.join(' '));
    expect(pick(parseCommandLine([], {}))).toBe(100);
    expect(pick(parseCommandLine(['--rate-limit', '0'], {}))).toBe(0);
    expect(pick(parseCommandLine([], { RATE_LIMIT: '25' }))).toBe(25);
    expect(pick(parseCommandLine(['--rate-limit=fast'], {}))).toContain('--rate-limit (RATE_LIMIT) is "fast"; use a whole number');
  });
});

describe('client address keys', () => {
  it('counts IPv4 (also IPv4-mapped) addresses one by one and IPv6 ones by /64', async () => {
    const { addressKey } = await import('../../src/server/limits/index.ts');
    expect(addressKey('127.0.0.1')).toBe('127.0.0.1');
    expect(addressKey('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});
