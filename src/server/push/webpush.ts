/**
 * Sends one Web Push request: RFC 8291 aes128gcm via web-push's encrypt, RFC 8292 VAPID with one
 * JWT per push-service origin reused until near expiry (re-signing per message costs ~75 % of
 * the CPU), a keep-alive agent, a timeout, TTL 24 h and a Topic per conversation.
 */
import { Agent, request } from 'node:https';
import webpush from 'web-push';
import type { WebPushSubscription } from '../../core/index.ts';
import { guardConnection, guardedLookup, literalHostProblem, PrivateAddressError } from './ssrf.ts';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export interface SendOutcome {
  /** HTTP status, or 0 when no answer came (network error, timeout, refused address). */
  status: number;
  retryAfter?: string;
  error?: string;
  /** The request went out but no answer came back (timeout, refused, reset): the service, not the subscription. */
  unanswered?: true;
}

const JWT_LIFETIME_S = 12 * 3600;
/** Renew a cached JWT this long before it expires. */
const JWT_RENEW_MARGIN_S = 3600;
export const PUSH_TTL_SECONDS = 86_400;

export class WebPushSender {
  private readonly jwt = new Map<string, { header: string; exp: number }>();
  private readonly agent: Agent;

  constructor(
    private readonly vapid: VapidKeys,
    private readonly subject: string,
    private readonly opts: { agent?: Agent; ca?: string | Buffer | (string | Buffer)[]; timeoutMs: number; allowPrivate: boolean; now: () => number },
  ) {
    this.agent = opts.agent ?? new Agent({ keepAlive: true, maxSockets: 32, ...(opts.ca ? { ca: opts.ca } : {}) });
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
    let url: URL;
    let body: Buffer;
    try {
      url = new URL(sub.endpoint);
      body = webpush.encrypt(sub.keys.p256dh, sub.keys.auth, payload, 'aes128gcm').cipherText;
    } catch (e) {
      return { status: 0, error: `cannot encrypt for this subscription: ${(e as Error).message}` };
    }
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
    if (!this.opts.agent) this.agent.destroy();
  }
}
