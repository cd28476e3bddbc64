/**
 * The SDK surface of SPEC 2 over an injected `fetch`: same method names and parameters as the
 * reference Web SDK, each resolving to `{type, data}`. Arguments are checked with core before
 * any request is made.
 */
import {
  type AppKey, isErrorEnvelope, parseAppKey, parseWith, type RestRequest, type Result, type SdkMethod, sdkRequests,
  tokenBodySchema,
} from '../core/index.ts';
import { PushClientError } from './errors.ts';

export interface ClientOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** `org#app`. */
  readonly appKey: string;
  readonly fetch?: typeof fetch;
  /** Per-attempt timeout; default 10 s. */
  readonly timeoutMs?: number;
  /** Extra attempts for idempotent requests after a timeout, network error or 5xx; default 2. */
  readonly retries?: number;
  /** First retry delay; doubles each time. Default 300 ms. */
  readonly retryDelayMs?: number;
  /** Resource of this device, sent as `?resource=` on settings writes (multi-device events). */
  readonly resource?: string;
  /** The clock `skipQuietHoursOnce` checks `until` against; default Date.now. */
  readonly now?: () => number;
}

export interface ClientResult<T> {
  readonly type: number;
  readonly data: T;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  user: { uuid: string; type: string; username: string; nickname?: string; activated?: boolean };
}

const OK = 0;

/** A signed-in (or not yet) connection to one app on one server. */
export class PushClient {
  readonly key: AppKey;
  private readonly base: string;
  private readonly doFetch: typeof fetch;
  private token = '';
  private user = '';

  constructor(private readonly opts: ClientOptions) {
    const key = parseAppKey(opts.appKey);
    if (!key.ok) throw PushClientError.fromFieldErrors(key.errors);
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new PushClientError('invalid_argument', 0, 'illegal_argument', `baseUrl ${JSON.stringify(opts.baseUrl)}: an http(s) URL such as "http://127.0.0.1:8080"`, 'baseUrl');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new PushClientError('invalid_argument', 0, 'illegal_argument', `baseUrl ${JSON.stringify(opts.baseUrl)}: an http(s) URL`, 'baseUrl');
    this.key = key.value;
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(key.value.org)}/${encodeURIComponent(key.value.app)}`;
    this.doFetch = opts.fetch ?? ((...args) => fetch(...args));
  }

  /** Uses an existing token (e.g. restored from storage). */
  setSession(token: string, username: string): void {
    this.token = token;
    this.user = username.toLowerCase();
  }

  get username(): string {
    return this.user;
  }

  get accessToken(): string {
    return this.token;
  }

  /** Signs in with username and password; the token is kept for later calls. */
  async signIn(params: { username: string; password: string; ttl?: number }): Promise<ClientResult<TokenResponse>> {
    const body: Record<string, unknown> = { grant_type: 'password', username: params?.username, password: params?.password };
    if (params?.ttl !== undefined) body.ttl = params.ttl;
    // The server's own schema for this body, so client and server refuse the same things.
    const checked = parseWith(tokenBodySchema, body);
    if (!checked.ok) throw PushClientError.fromFieldErrors(checked.errors);
    const res = (await this.send({ method: 'POST', path: '/token', body, idempotent: false }, false)) as unknown as TokenResponse;
    this.setSession(res.access_token, res.user.username);
    return { type: OK, data: res };
  }

  setSilentModeForAll(params: unknown) { return this.call('setSilentModeForAll', params); }
  getSilentModeForAll() { return this.call('getSilentModeForAll', undefined); }
  setSilentModeForConversation(params: unknown) { return this.call('setSilentModeForConversation', params); }
  getSilentModeForConversation(params: unknown) { return this.call('getSilentModeForConversation', params); }
  getSilentModeForConversations(params: unknown) { return this.call('getSilentModeForConversations', params); }
  clearRemindTypeForConversation(params: unknown) { return this.call('clearRemindTypeForConversation', params); }
  setPushPerformLanguage(params: unknown) { return this.call('setPushPerformLanguage', params); }
  getPushPerformLanguage() { return this.call('getPushPerformLanguage', undefined); }
  uploadPushToken(params: unknown) { return this.call('uploadPushToken', params); }
  getSilentModeRemindTypeConversations(params: unknown) { return this.call('getSilentModeRemindTypeConversations', params); }

  // Beyond the reference (SPEC 1.7, 2, 3.8), same conventions.
  /** `{quietSchedule?, prioritySenders?, keywords?, summary?}`: each replaces the whole value; resolves to the whole app settings. */
  setPushRules(params: unknown) { return this.call('setPushRules', params); }
  /** `{until}`: the daily window and the schedule are not in force until then (at most 24 h ahead); `{until: 0}` ends the skip. */
  skipQuietHoursOnce(params: unknown) { return this.call('skipQuietHoursOnce', params); }
  /** `{limit?}` (1–100): the last push decisions about the signed-in user. */
  getPushTrace(params: unknown = {}) { return this.call('getPushTrace', params); }
  /** `{conversation: {id, type}, from?, text?, mentioned?, at?}`: would such a message push, and why. */
  checkPush(params: unknown) { return this.call('checkPush', params); }

  /** Any other REST call relative to `/{org}/{app}` (certificates, check, trace, messages). */
  async request<T = unknown>(req: RestRequest): Promise<ClientResult<T>> {
    const env = await this.send(req, true);
    return { type: OK, data: (env.data ?? env.entities) as T };
  }

  private async call(method: SdkMethod, params: unknown): Promise<ClientResult<unknown>> {
    if (!this.token) throw new PushClientError('invalid_argument', 0, 'unauthorized', 'not signed in: call signIn first');
    const now = (this.opts.now ?? Date.now)();
    const built = (sdkRequests[method] as (user: string, p: unknown, now: number) => Result<RestRequest>)(this.user, params, now);
    if (!built.ok) throw PushClientError.fromFieldErrors(built.errors);
    let req = built.value;
    if (this.opts.resource && req.method === 'PUT' && req.path.includes('/notification/'))
      req = { ...req, query: { ...req.query, resource: this.opts.resource } };
    const env = await this.send(req, true);
    // uploadPushToken answers with user entities, the paged list with a top-level cursor.
    if (method === 'getSilentModeRemindTypeConversations') return { type: OK, data: { conversations: env.data ?? [], cursor: env.cursor ?? '' } };
    return { type: OK, data: env.data ?? env.entities?.[0] };
  }

  private async send(req: RestRequest, auth: boolean): Promise<{ data?: unknown; entities?: unknown[]; cursor?: string }> {
    const url = new URL(this.base + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    if (auth && this.token) headers.authorization = `Bearer ${this.token}`;
    const attempts = 1 + (req.idempotent ? (this.opts.retries ?? 2) : 0);
    let delay = this.opts.retryDelayMs ?? 300;
    let last: PushClientError | undefined;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) {
        await new Promise((r) => setTimeout(r, delay));
        delay *= 2;
      }
      try {
        return await this.once(url, req, headers);
      } catch (e) {
        if (!(e instanceof PushClientError)) throw e;
        last = e;
        const retryable = e.kind === 'network' || e.kind === 'timeout' || e.status >= 500 || e.status === 429;
        if (!retryable) throw e;
      }
    }
    throw last!;
  }

  private async once(url: URL, req: RestRequest, headers: Record<string, string>) {
    const controller = new AbortController();
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let res: Response;
    try {
      res = await this.doFetch(url.toString(), {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: controller.signal,
      });
    } catch (e) {
      clearTimeout(timer);
      if (controller.signal.aborted) throw new PushClientError('timeout', 0, 'timeout', `no answer from ${url.origin} within ${timeoutMs} ms`);
      throw new PushClientError('network', 0, 'network_error', `cannot reach ${url.origin}: ${(e as Error)?.message ?? e}`);
    }
    // The timeout covers the body too: a server that sends headers and then stalls is a timeout
    // (retryable), and a body cut off mid-way is a network error, not a malformed answer.
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      if (controller.signal.aborted) throw new PushClientError('timeout', 0, 'timeout', `no answer from ${url.origin} within ${timeoutMs} ms`);
      throw new PushClientError('network', 0, 'network_error', `connection to ${url.origin} lost while reading the answer: ${(e as Error)?.message ?? e}`);
    } finally {
      clearTimeout(timer);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      if (isErrorEnvelope(json)) throw new PushClientError('http', res.status, json.error, json.error_description);
      throw new PushClientError('http', res.status, 'http_error', `HTTP ${res.status} from ${url.pathname}`);
    }
    if (typeof json !== 'object' || json === null)
      throw new PushClientError('http', res.status, 'bad_response', `the server's answer to ${url.pathname} is not JSON`);
    return json as { data?: unknown; entities?: unknown[]; cursor?: string };
  }
}
