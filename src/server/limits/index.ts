/**
 * The per-app limits of SPEC 7 for REST: requests per token, unauthenticated requests per client
 * address, sign-in failures per (username, address) and per address, and concurrent password
 * hashing. Kept beside the Context (one set per built app) so routes reach them through `limitsOf`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerOf } from '../bearer.ts';
import type { Context } from '../context.ts';
import { LimitedError } from '../errors.ts';
import { FailureWindows } from './failure-window.ts';
import { Semaphore } from './semaphore.ts';
import { TokenBuckets } from './token-bucket.ts';

/** Sign-in failures per (username, address) before that pair waits for the window to end. */
export const SIGN_IN_PAIR_FAILURES = 10;
/** Sign-in failures per address (every username together). */
export const SIGN_IN_ADDRESS_FAILURES = 100;
export const SIGN_IN_WINDOW_MS = 5 * 60_000;
/** Password hashes (scrypt, ~50 ms of a core each) computed at once, and sign-ins allowed to wait for one. */
export const HASH_CONCURRENCY = 4;
export const HASH_QUEUE = 32;

export interface Limits {
  /** Requests per token (undefined when --rate-limit 0). */
  perToken?: TokenBuckets;
  /** Requests without a token, per client address. */
  perAddress?: TokenBuckets;
  /**
   * Requests with a token that was refused (401), per client address: a client cycling made-up
   * tokens would otherwise get a fresh per-token bucket with each one.
   */
  badTokens?: TokenBuckets;
  signInPair: FailureWindows;
  signInAddress: FailureWindows;
  hashing: Semaphore;
}

const all = new WeakMap<Context, Limits>();

/** This app's limits, made on first use from its config. */
export function limitsOf(ctx: Context): Limits {
  let l = all.get(ctx);
  if (!l) {
    const { rateLimit, now } = ctx.config;
    l = {
      ...(rateLimit > 0
        ? {
          perToken: new TokenBuckets(rateLimit, 2 * rateLimit, now),
          perAddress: new TokenBuckets(rateLimit, 2 * rateLimit, now),
          badTokens: new TokenBuckets(rateLimit, 2 * rateLimit, now),
        }
        : {}),
      signInPair: new FailureWindows(SIGN_IN_PAIR_FAILURES, SIGN_IN_WINDOW_MS, now),
      signInAddress: new FailureWindows(SIGN_IN_ADDRESS_FAILURES, SIGN_IN_WINDOW_MS, now),
      hashing: new Semaphore(HASH_CONCURRENCY, HASH_QUEUE),
    };
    all.set(ctx, l);
  }
  return l;
}

/**
 * The key a client address is limited by: an IPv4 address as is, an IPv6 one by its /64 (one
 * host usually holds a whole /64, so counting single addresses would not count it at all).
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().replace(/%.*$/, '').split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The path of a request URL, without its query. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** Paths a load balancer polls: never limited. */
const UNLIMITED = new Set(['/health', '/ready']);

/** Checks the request rate before anything else runs (no body parsing, no store lookups). */
export function installRateLimit(app: FastifyInstance, ctx: Context): void {
  const limits = limitsOf(ctx);
  const { perToken, perAddress, badTokens } = limits;
  if (!perToken || !perAddress || !badTokens) return;
  // A gateway's callback endpoint (SPEC 9.2) takes the whole upstream app's message rate from a
  // few addresses; each callback is checked by its signature before anything is stored.
  const unlimited = ctx.gateway ? new Set([...UNLIMITED, `/${ctx.key.org}/${ctx.key.app}/callbacks/easemob`]) : UNLIMITED;
  // Callback hooks, not async ones: they run on every request, and a promise each was measurable (B4).
  app.addHook('onRequest', (req: FastifyRequest, _reply, done) => {
    if (req.method === 'OPTIONS' || unlimited.has(pathOf(req.url))) return done();
    const bearer = bearerOf(req);
    const bad = bearer ? badTokens.waitFor(addressKey(req.ip)) : 0;
    if (bad > 0)
      return done(new LimitedError(`Too many requests with unknown or expired tokens from this address: at most ${ctx.config.rateLimit} per second; sign in again, then wait and send again.`, bad));
    const r = bearer ? perToken.take(bearer.hash) : perAddress.take(addressKey(req.ip));
    if (!r.ok) {
      return done(new LimitedError(
        bearer
          ? `Too many requests with this token: at most ${ctx.config.rateLimit} per second (bursts of ${2 * ctx.config.rateLimit}); wait and send again.`
          : `Too many requests without a token from this address: at most ${ctx.config.rateLimit} per second (bursts of ${2 * ctx.config.rateLimit}); wait and send again.`,
        r.retryAfterMs,
      ));
    }
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    if (reply.statusCode === 401 && req.headers.authorization) badTokens.take(addressKey(req.ip));
    done();
  });
}

/** Refuses a sign-in attempt from `address` for `username` while that pair or address is locked out. */
export function checkSignIn(limits: Limits, username: string, ip: string): void {
  const address = addressKey(ip);
  const pair = limits.signInPair.blockedFor(`${username}\n${address}`);
  if (pair > 0) throw new LimitedError(`Too many failed sign-ins for "${username}" from this address: at most ${SIGN_IN_PAIR_FAILURES} in 5 minutes; try again later.`, pair);
  const addr = limits.signInAddress.blockedFor(address);
  if (addr > 0) throw new LimitedError(`Too many failed sign-ins from this address: at most ${SIGN_IN_ADDRESS_FAILURES} in 5 minutes; try again later.`, addr);
}

/** Counts one failed sign-in. */
export function signInFailed(limits: Limits, username: string, ip: string): void {
  const address = addressKey(ip);
  limits.signInPair.fail(`${username}\n${address}`);
  limits.signInAddress.fail(address);
}

/** Runs a password hash within the concurrency bound, or answers 429 at once when too many wait. */
export function withHashing<T>(limits: Limits, fn: () => Promise<T>): Promise<T> {
  const p = limits.hashing.run(fn);
  if (!p) throw new LimitedError(`Too many sign-ins and registrations at once (at most ${HASH_CONCURRENCY} checked at a time, ${HASH_QUEUE} waiting); send again in a moment.`, 1000);
  return p;
}
