/**
 * Sends one Web Push request: RFC 8291 aes128gcm (on worker threads, see aes128gcm.ts), RFC 8292 VAPID with one
 * JWT per push-service origin reused until near expiry (re-signing per message costs ~75 % of
 * the CPU), HTTP/2 where the push service speaks it (h2-sessions.ts) and a keep-alive HTTP/1.1
 * agent where it does not, a timeout, TTL 24 h and a Topic per conversation.
 */
import { Agent, request } from 'node:https';
import webpush from 'web-push';
import type { WebPushSubscription } from '../../core/index.ts';
import { EncryptPool, encryptFor } from './aes128gcm.ts';
import { H2Sessions } from './h2-sessions.ts';
import { guardConnection, guardedLookup, literalHostProblem, PrivateAddressError } from './ssrf.ts';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export interface SendOutcome {
  /**
   * HTTP status, or 0 when no answer came. Status 0 without `unanswered`: the push could not be
   * made at all (bad keys, refused address) and never will be: given up at once.
   */
  status: number;
  retryAfter?: string;
  error?: string;
  /** The request went out but no answer came back (timeout, refused, reset): the service, not the subscription. */
  unanswered?: true;
}

/** An encrypted push ready to post (see `WebPushSender.prepare`). */
export interface PreparedPush {
  url: URL;
  body: Buffer;
}

const JWT_LIFETIME_S = 12 * 3600;
/** Renew a cached JWT this long before it expires. */
const JWT_RENEW_MARGIN_S = 3600;
export const PUSH_TTL_SECONDS = 86_400;

export class WebPushSender {
  private readonly jwt = new Map<string, { header: string; exp: number }>();
  private readonly agent: Agent;
  /** Encryption threads, or undefined to encrypt on the event loop. */
  private readonly pool: EncryptPool | undefined;
  /** HTTP/2 sessions per origin; undefined when HTTP/1.1 only (an agent was given, or http2: false). */
  private readonly h2: H2Sessions | undefined;

  constructor(
    private readonly vapid: VapidKeys,
    private readonly subject: string,
    private readonly opts: {
      agent?: Agent; ca?: string | Buffer | (string | Buffer)[]; timeoutMs: number; allowPrivate: boolean; now: () => number;
      /** Worker threads for encryption (0: on the event loop). */
      encryptThreads?: number;
      /** Sockets per push-service origin (keep-alive). */
      maxSockets?: number;
      /** Try HTTP/2 first (default true; the agent's HTTP/1.1 serves origins that do not speak it). */
      http2?: boolean;
    },
  ) {
    this.agent = opts.agent ?? new Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 32, ...(opts.ca ? { ca: opts.ca } : {}) });
    this.pool = opts.encryptThreads ? new EncryptPool(opts.encryptThreads) : undefined;
    this.h2 = opts.agent || opts.http2 === false ? undefined : new H2Sessions({ ca: opts.ca, allowPrivate: opts.allowPrivate, timeoutMs: opts.timeoutMs, now: opts.now });
  }

  /** True when encryption runs on threads: preparing many pushes at once then costs the event loop little. */
  get encryptsOffThread(): boolean {
    return this.pool !== undefined;
  }

  /** The aes128gcm body for a subscription (RFC 8291), on a thread when the pool has one. */
  private encrypt(sub: WebPushSubscription, payload: string): Promise<Buffer> | Buffer {
    return this.pool ? this.pool.encrypt(sub.keys.p256dh, sub.keys.auth, payload) : encryptFor(sub.keys.p256dh, sub.keys.auth, payload);
  }

  /** The Authorization header for an origin, signed once and reused until near expiry. */
  authorization(origin: string): string {
    const nowS = Math.floor(this.opts.now() / 1000);
    const cached = this.jwt.get(origin);
    if (cached && cached.exp - JWT_RENEW_MARGIN_S > nowS) return cached.header;
    const exp = nowS + JWT_LIFETIME_S;
    const headers = webpush.getVapidHeaders(origin, this.subject, this.vapid.publicKey, this.vapid.privateKey, 'aes128gcm', exp);
    const header = String(headers.Authorization);
    this.jwt.set(origin, { header, exp });
    return header;
  }

  /** Encrypts and posts one payload; never throws. */
  async send(sub: WebPushSubscription, payload: string, topic: string): Promise<SendOutcome> {
    const p = await this.prepare(sub, payload);
    return 'status' in p ? p : this.post(p, topic);
  }

  /**
   * The encrypted request for one payload (a fresh ECDH key and salt each call), or the outcome
   * when it cannot be made; never throws. Apart from `post` so a worker can encrypt a whole
   * claimed batch at once: the threads then get a few big messages instead of one per push.
   */
  async prepare(sub: WebPushSubscription, payload: string): Promise<PreparedPush | SendOutcome> {
    let url: URL;
    let body: Buffer;
    try {
      url = new URL(sub.endpoint);
      body = await this.encrypt(sub, payload);
    } catch (e) {
      return { status: 0, error: `cannot encrypt for this subscription: ${(e as Error).message}` };
    }
    return { url, body };
  }

  /** Posts a prepared push (the address checks are made now, at send time); never throws. */
  async post({ url, body }: PreparedPush, topic: string): Promise<SendOutcome> {
    const literal = literalHostProblem(url.hostname, this.opts.allowPrivate);
    if (literal) return { status: 0, error: literal };
    const headers = {
      TTL: String(PUSH_TTL_SECONDS),
      Topic: topic,
      Urgency: 'normal',
      'Content-Encoding': 'aes128gcm',
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(body.length),
      Authorization: this.authorization(url.origin),
    };
    if (this.h2?.speaksH2(url.origin)) {
      const out = await this.h2.post(url, headers, body);
      switch (out.kind) {
        case 'answer': return { status: out.status, ...(out.retryAfter !== undefined ? { retryAfter: out.retryAfter } : {}) };
        case 'refused': return { status: 0, error: out.error };
        case 'unanswered': return { status: 0, error: out.error, unanswered: true };
        case 'no-h2': break; // remembered: this and later pushes to the origin go over HTTP/1.1
      }
    }
    return this.sendHttp1(url, headers, body);
  }

  private sendHttp1(url: URL, headers: Record<string, string>, body: Buffer): Promise<SendOutcome> {
    return new Promise<SendOutcome>((resolve) => {
      const req = request(
        url,
        { method: 'POST', headers, agent: this.agent, timeout: this.opts.timeoutMs, lookup: guardedLookup(this.opts.allowPrivate) as never },
        (res) => {
          res.resume();
          res.on('end', () => {
            const ra = res.headers['retry-after'];
            resolve({ status: res.statusCode ?? 0, ...(typeof ra === 'string' ? { retryAfter: ra } : {}) });
          });
          res.on('error', (err) => resolve({ status: res.statusCode ?? 0, error: err.message }));
        },
      );
      guardConnection(req, this.opts.allowPrivate);
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.opts.timeoutMs} ms`)));
      // A refused address is this subscription's problem, not the service's: no resting, no retry.
      req.on('error', (err) => resolve(err instanceof PrivateAddressError ? { status: 0, error: err.message } : { status: 0, error: err.message, unanswered: true }));
      req.end(body);
    });
  }

  close(): void {
    this.h2?.close();
    if (!this.opts.agent) this.agent.destroy();
    void this.pool?.close();
  }
}
