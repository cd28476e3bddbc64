/**
 * Gateway mode (SPEC 9.2): this server in front of an upstream Easemob app. IM stays upstream;
 * sign-ins are checked by the upstream; received callbacks are decided here; settings writes
 * may be mirrored upstream. Built at start, after checking the upstream answers and accepts
 * the client credentials.
 */
import type { FastifyBaseLogger } from 'fastify';
import { issueToken } from '../accounts.ts';
import type { GatewayConfig } from '../config.ts';
import type { Context } from '../context.ts';
import { ApiError } from '../errors.ts';
import { userEntity } from '../routes/accounts.ts';
import { mirrorJob, type MirrorTarget } from './mirror.ts';
import { Upstream, UpstreamRefused, UpstreamUnreachable, upstreamReason } from './upstream.ts';

/** How far ahead the safety copy of a mirror job is queued before the local write (see `mirror`). */
const MIRROR_SAFETY_MS = 5_000;

/** A start-up problem, said as a sentence that names the flag to fix. */
export class GatewayStartError extends Error {}

/** Stored instead of a password hash for users who sign in through the upstream: no password matches it. */
export const UPSTREAM_ONLY_PASSWORD = '!upstream';

export class Gateway {
  readonly upstream: Upstream;
  constructor(readonly cfg: GatewayConfig, private readonly ctx: Context, private readonly log?: FastifyBaseLogger) {
    this.upstream = new Upstream(cfg, ctx.config.now);
  }

  /** Start-up check: the upstream answers and takes the client credentials (an app token). */
  async start(): Promise<void> {
    try {
      const token = await this.upstream.appToken(true);
      this.upstream.companion = (await this.upstream.request('GET', '/push/features', undefined, token)).status === 200;
    } catch (e) {
      if (e instanceof UpstreamUnreachable)
        throw new GatewayStartError(`Cannot reach the upstream at ${this.cfg.upstream} (${e.message}). Check --upstream (UPSTREAM_URL) and that the upstream is running.`);
      if (e instanceof UpstreamRefused) {
        const s = e.answer.status;
        if (s === 404) throw new GatewayStartError(`The upstream at ${this.cfg.upstream} has no app ${this.cfg.appKey} (${e.message}). Check --upstream-app-key (UPSTREAM_APP_KEY).`);
        throw new GatewayStartError(`The upstream ${this.cfg.appKey} refused the client credentials (${e.message}). Check --upstream-client-id and --upstream-client-secret against the upstream's console.`);
      }
      throw e;
    }
  }

  /** Password sign-in through the upstream: on success the local user is created or updated and gets our token. */
  async signIn(username: string, password: string, ttl: number): Promise<Record<string, unknown>> {
    let a;
    try {
      a = await this.upstream.signIn(username, password);
    } catch (e) {
      throw new ApiError('upstream_unavailable', `The upstream ${this.cfg.appKey} that checks passwords did not answer (${(e as Error).message}); try again shortly.`);
    }
    if (a.status === 429) throw new ApiError('resource_limited', `The upstream ${this.cfg.appKey} is limiting sign-ins (${upstreamReason(a)}); wait and try again.`);
    if (a.status >= 500) throw new ApiError('upstream_unavailable', `The upstream ${this.cfg.appKey} failed to check the password (${upstreamReason(a)}); try again shortly.`);
    if (a.status !== 200) throw new ApiError('auth_bad_access_token', `Wrong username or password (checked by the upstream ${this.cfg.appKey}).`);
    const user = (a.body?.user ?? {}) as { username?: unknown; nickname?: unknown };
    const name = (typeof user.username === 'string' && user.username ? user.username : username).toLowerCase();
    const nickname = typeof user.nickname === 'string' && user.nickname ? user.nickname.slice(0, 100) : undefined;
    const now = this.ctx.config.now();
    const users = this.ctx.users;
    if (!(await users.get(name))) await users.insert(name, UPSTREAM_ONLY_PASSWORD, nickname ?? name, now);
    else if (nickname !== undefined) await users.setNickname(name, nickname);
    const local = (await users.get(name))!;
    const t = await issueToken(this.ctx.store, local.username, ttl, now);
    this.log?.info({ user: local.username }, 'signed in through the upstream');
    return { access_token: t.token, expires_in: ttl, user: userEntity(local) };
  }

  /**
   * Queues a settings write to be mirrored upstream (no-op without --mirror-settings). Called
   * twice around the local write: `before` queues it a few seconds ahead, so a process that dies
   * between the write and the second call still mirrors it; the second call (the same keyed job)
   * makes it due now. A job sends the state of when it runs, so an extra run is harmless.
   */
  async mirror(user: string, target: MirrorTarget, when: 'before' | 'after' = 'after'): Promise<void> {
    if (!this.cfg.mirrorSettings) return;
    const now = this.ctx.config.now();
    await this.ctx.store.jobs.add(mirrorJob(user, target, when === 'before' ? now + MIRROR_SAFETY_MS : now), now);
    if (when === 'after') this.ctx.wakeJobs?.();
  }

  /** What the extension shows: which upstream, and how mirroring is doing for this user. */
  async status(user: string): Promise<Record<string, unknown>> {
    const pending = await this.ctx.store.jobs.pending('mirror', `mirror:${user}:`);
    const raw = await this.ctx.meta.get(`mirror_error:${user}`);
    const stored = raw ? (JSON.parse(raw) as { at: number; error: string; what: string; key?: string }) : undefined;
    const lastError = stored ? { at: stored.at, what: stored.what, error: stored.error } : undefined;
    return { upstream: this.cfg.appKey, mirror: { enabled: this.cfg.mirrorSettings, pending, ...(lastError ? { lastError } : {}) } };
  }
}
