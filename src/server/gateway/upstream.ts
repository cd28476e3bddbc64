/**
 * The gateway's client of the upstream REST API (SPEC 9.2): an app token from the client
 * credentials (kept in memory only, renewed before it expires or when refused), password
 * sign-ins forwarded as they are, and settings writes. Nothing the upstream returns about a
 * user's session (its token) is kept.
 */
import type { GatewayConfig } from '../config.ts';

export const UPSTREAM_TIMEOUT_MS = 5_000;

/** The upstream gave no answer at all (refused, reset, timed out). */
export class UpstreamUnreachable extends Error {}

export interface UpstreamAnswer {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** The upstream's own sentence for a refusal, cut short (never a token). */
export function upstreamReason(a: UpstreamAnswer): string {
  const d = a.body?.error_description ?? a.body?.error;
  return `HTTP ${a.status}${typeof d === 'string' && d ? `: ${d.slice(0, 200)}` : ''}`;
}

export class Upstream {
  readonly base: string;
  /**
   * True when the upstream is another instance of this server (it answers GET /push/features),
   * not Easemob: then the time zone of the quiet hours is mirrored too, which Easemob does not know.
   */
  companion = false;
  private token: { value: string; until: number } | undefined;

  constructor(private readonly cfg: GatewayConfig, private readonly now: () => number) {
    const [org, app] = cfg.appKey.split('#') as [string, string];
    this.base = `${cfg.upstream}/${encodeURIComponent(org)}/${encodeURIComponent(app)}`;
  }

  /** One request; throws UpstreamUnreachable when nothing came back. */
  async request(method: string, path: string, body?: unknown, token?: string): Promise<UpstreamAnswer> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why = err.name === 'TimeoutError' ? `no answer within ${UPSTREAM_TIMEOUT_MS / 1000} s` : err.cause?.code ?? err.cause?.message ?? err.message;
      throw new UpstreamUnreachable(why);
    }
    const text = await res.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined };
  }

  /** An app token (client credentials), from memory while it has more than a minute left. */
  async appToken(renew = false): Promise<string> {
    if (!renew && this.token && this.token.until > this.now() + 60_000) return this.token.value;
    const a = await this.request('POST', '/token', { grant_type: 'client_credentials', client_id: this.cfg.clientId, client_secret: this.cfg.clientSecret });
    const token = a.body?.access_token;
    if (a.status !== 200 || typeof token !== 'string') throw new UpstreamRefused(a);
    const ttl = typeof a.body?.expires_in === 'number' ? a.body.expires_in : 3600;
    this.token = { value: token, until: this.now() + ttl * 1000 };
    return token;
  }

  /** A request with the app token; a 401 renews the token once (it may have been revoked). */
  async withAppToken(method: string, path: string, body?: unknown): Promise<UpstreamAnswer> {
    const a = await this.request(method, path, body, await this.appToken());
    if (a.status !== 401) return a;
    return this.request(method, path, body, await this.appToken(true));
  }

  /** Forwards a password sign-in; the answer's token is dropped by the caller. */
  signIn(username: string, password: string): Promise<UpstreamAnswer> {
    return this.request('POST', '/token', { grant_type: 'password', username, password });
  }
}

/** The upstream answered, but not with what was asked for. */
export class UpstreamRefused extends Error {
  constructor(readonly answer: UpstreamAnswer) {
    super(upstreamReason(answer));
  }
}
