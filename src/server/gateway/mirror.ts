/**
 * `--mirror-settings` (SPEC 9.2): settings and language writes made at the gateway are written
 * upstream too, so the user's phone (the upstream's own push) follows the same quiet hours.
 * One pending job per user and target (a newer write replaces a waiting one), and the job sends
 * the *current* local state when it runs: retries and out-of-order runs cannot bring back an
 * older value. The fields of SPEC 1.7 are never sent (the reference does not know them).
 * The time zone goes only to another instance of this server (Easemob has none).
 * Retries from 1 s, doubling, at most 10 s apart, for as long as the upstream does not answer;
 * a write it refuses (4xx) is given up, logged and shown in the user's gateway status.
 */
import type { FastifyBaseLogger } from 'fastify';
import { formatInterval, MAX_DURATION_MS, type WireScope } from '../../core/index.ts';
import type { Context } from '../context.ts';
import type { JobHandler } from '../jobs/worker.ts';
import type { NewJob } from '../store/ports.ts';
import type { Upstream } from './upstream.ts';
import { UpstreamRefused, upstreamReason } from './upstream.ts';

export const MIRROR_JOB = 'mirror';

export type MirrorTarget = { what: 'app' } | { what: 'language' } | { what: 'conversation'; scope: WireScope; id: string };

interface MirrorPayload {
  user: string;
  target: MirrorTarget;
}

const keyOf = (user: string, t: MirrorTarget) => `mirror:${user}:${t.what === 'conversation' ? `${t.scope}:${t.id}` : t.what}`;

export function mirrorJob(user: string, target: MirrorTarget, now: number): NewJob {
  return { kind: MIRROR_JOB, key: keyOf(user, target), payload: JSON.stringify({ user, target } satisfies MirrorPayload), due: now };
}

/** Retry delay after `attempts` failures: 1 s, doubling, at most 10 s. */
export function mirrorBackoffMs(attempts: number): number {
  return Math.min(10_000, 1000 * 2 ** attempts);
}

const remaining = (until: number, now: number) => Math.min(MAX_DURATION_MS, Math.max(0, until - now));

/** The upstream path and body for the current local state of one target. */
async function request(ctx: Context, upstream: Upstream, user: string, t: MirrorTarget): Promise<{ path: string; body: Record<string, unknown> }> {
  const now = ctx.config.now();
  const u = encodeURIComponent(user);
  if (t.what === 'language') return { path: `/users/${u}/notification/language`, body: { translationLanguage: (await ctx.users.get(user))?.language ?? '' } };
  if (t.what === 'app') {
    const s = await ctx.settings.app(user);
    // "0:0-0:0" turns a window off in the reference (an empty string is not accepted everywhere).
    return { path: `/users/${u}/notification/user/${u}`, body: { type: s.type, ignoreInterval: formatInterval(s.window) || '0:0-0:0', ignoreDuration: remaining(s.durationUntil, now), ...(upstream.companion ? { timeZone: s.timeZone } : {}) } };
  }
  const c = await ctx.settings.conversation(user, t.scope, t.id);
  return { path: `/users/${u}/notification/${t.scope}/${encodeURIComponent(t.id)}`, body: { type: c.type ?? 'DEFAULT', ignoreDuration: remaining(c.durationUntil, now) } };
}

export function mirrorHandler(ctx: Context, upstream: Upstream, log?: FastifyBaseLogger): JobHandler {
  // One last error per user (what the status shows); a success clears it only when it was about the same target.
  const noteError = (user: string, key: string, what: string, error: string) =>
    ctx.meta.set(`mirror_error:${user}`, JSON.stringify({ at: ctx.config.now(), what, key, error }));
  const clearError = async (user: string, key: string) => {
    const raw = await ctx.meta.get(`mirror_error:${user}`);
    if (raw && (JSON.parse(raw) as { key?: string }).key === key) await ctx.meta.set(`mirror_error:${user}`, '');
  };
  return async (job) => {
    const { user, target } = JSON.parse(job.payload) as MirrorPayload;
    const { path, body } = await request(ctx, upstream, user, target);
    let error: string;
    try {
      const a = await upstream.withAppToken('PUT', path, body);
      if (a.status >= 200 && a.status < 300) {
        await clearError(user, keyOf(user, target));
        return { outcome: 'mirrored' };
      }
      error = `the upstream refused the ${target.what} settings (${upstreamReason(a)})`;
      if (a.status >= 400 && a.status < 500 && a.status !== 429 && a.status !== 408) {
        log?.warn({ user, what: target.what, status: a.status }, 'upstream refused a mirrored settings write');
        await noteError(user, keyOf(user, target), target.what, error);
        return { outcome: 'refused', error };
      }
    } catch (e) {
      error = e instanceof UpstreamRefused ? `the upstream refused the gateway's client credentials (${e.message})` : `the upstream did not answer (${(e as Error).message})`;
    }
    await noteError(user, keyOf(user, target), target.what, error);
    return { retryAt: ctx.config.now() + mirrorBackoffMs(job.attempts), error };
  };
}
