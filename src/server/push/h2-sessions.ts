/**
 * HTTP/2 to push services that speak it (FCM, Mozilla's autopush and Apple's all do): one TLS
 * connection per origin carries every push as a stream, where HTTP/1.1 needs a pool of sockets
 * and a request object per push (measured here: ~105 µs of client CPU per push against ~155 µs).
 * The TLS handshake offers h2 and http/1.1; an origin that picks http/1.1 is remembered for an
 * hour and served by the HTTP/1.1 agent meanwhile.
 *
 * The SSRF rule holds here too: names resolve through the guarded lookup, and the address the
 * session actually connected to is checked before any stream is written.
 */
import { type ClientHttp2Session, type ClientHttp2Stream, connect, constants } from 'node:http2';
import { isIP } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { isNonPublicAddress } from '../../core/index.ts';
import { guardedLookup, PrivateAddressError, refusal } from './ssrf.ts';

/** What one POST got: an answer, "this origin does not speak h2", or no answer. */
export type H2Outcome =
  | { kind: 'answer'; status: number; retryAfter?: string }
  | { kind: 'no-h2' }
  | { kind: 'refused'; error: string }
  | { kind: 'unanswered'; error: string };

const ignore = (): void => undefined;

/** How long an origin that chose HTTP/1.1 is not asked again. */
const H1_MEMORY_MS = 3_600_000;
/** An idle session is closed after this long (a push service would close it anyway). */
const IDLE_MS = 60_000;

interface Entry {
  session: ClientHttp2Session;
  /** Set when the connection was refused (non-public address): every stream gets this answer. */
  refused?: string;
  /** Set when the service chose HTTP/1.1. */
  noH2?: boolean;
}

export class H2Sessions {
  private readonly sessions = new Map<string, Entry>();
  private readonly h1Until = new Map<string, number>();

  constructor(private readonly opts: {
    ca?: string | Buffer | (string | Buffer)[] | undefined; allowPrivate: boolean; timeoutMs: number; now: () => number;
    /** Idle time after which a session is closed (default IDLE_MS). */
    idleMs?: number;
  }) {}

  /** False while the origin is known to answer only HTTP/1.1. */
  speaksH2(origin: string): boolean {
    const until = this.h1Until.get(origin);
    if (until === undefined) return true;
    if (until > this.opts.now()) return false;
    this.h1Until.delete(origin);
    return true;
  }

  /** POSTs `body` to `url` on the origin's session (opened on first use); never throws. */
  post(url: URL, headers: Record<string, string>, body: Buffer): Promise<H2Outcome> {
    const entry = this.session(url);
    return new Promise<H2Outcome>((resolve) => {
      let stream: ClientHttp2Stream;
      try {
        // Node lowercases the names itself (HTTP/2 needs them so).
        stream = entry.session.request({ ':method': 'POST', ':path': `${url.pathname}${url.search}`, ...headers });
      } catch (e) {
        // The session closed between lookup and request (GOAWAY, out of stream ids): next time a new one.
        this.drop(url.origin, entry);
        return resolve(this.failure(entry, e as Error));
      }
      let status = 0;
      let retryAfter: string | undefined;
      stream.on('response', (h) => {
        status = Number(h[constants.HTTP2_HEADER_STATUS]) || 0;
        const ra = h['retry-after'];
        if (typeof ra === 'string') retryAfter = ra;
      });
      stream.setTimeout(this.opts.timeoutMs, () => {
        // No answer in time: the connection may be dead without knowing it, so start afresh.
        this.drop(url.origin, entry);
        stream.close(constants.NGHTTP2_CANCEL);
        resolve({ kind: 'unanswered', error: `no answer within ${this.opts.timeoutMs} ms` });
      });
      stream.on('error', (err) => resolve(this.failure(entry, err)));
      stream.on('end', () => resolve(status ? { kind: 'answer', status, ...(retryAfter !== undefined ? { retryAfter } : {}) } : this.failure(entry, new Error('the stream ended without a status'))));
      stream.resume();
      stream.end(body);
    });
  }

  private failure(entry: Entry, err: Error): H2Outcome {
    // A refused lookup reaches the stream as the cause of its cancellation (streams still pending
    // when the session fails are cancelled with the session's error as cause); an address refused
    // at secureConnect is in entry.refused before the session is destroyed.
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof PrivateAddressError) entry.refused ??= cause.message;
    if (entry.refused) return { kind: 'refused', error: entry.refused };
    if (entry.noH2) return { kind: 'no-h2' };
    return { kind: 'unanswered', error: err.message };
  }

  /** The origin's live session, or a new one. */
  private session(url: URL): Entry {
    const origin = url.origin;
    const live = this.sessions.get(origin);
    if (live && !live.session.closed && !live.session.destroyed) return live;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const entry = {} as Entry;
    const session = connect(origin, {
      settings: { enablePush: false },
      createConnection: () => tlsConnect({
        host, port: Number(url.port) || 443, ALPNProtocols: ['h2', 'http/1.1'],
        ...(isIP(host) ? {} : { servername: host }),
        ...(this.opts.ca ? { ca: this.opts.ca } : {}),
        lookup: guardedLookup(this.opts.allowPrivate) as never,
      }),
    });
    entry.session = session;
    const socket = session.socket as unknown as TLSSocket | undefined;
    socket?.once('secureConnect', () => {
      const address = socket.remoteAddress;
      if (!this.opts.allowPrivate && address && isNonPublicAddress(address)) {
        entry.refused = refusal(address);
        session.destroy(new PrivateAddressError(entry.refused));
      } else if (socket.alpnProtocol !== 'h2') {
        entry.noH2 = true;
        this.h1Until.set(origin, this.opts.now() + H1_MEMORY_MS);
        session.destroy();
      }
    });
    // A listener keeps a session error from being thrown; the error reaches the streams (failure()),
    // and 'close' follows it at once. GOAWAY closes the session by itself (Node), so 'close' again.
    session.on('error', ignore);
    session.on('close', () => this.drop(origin, entry));
    session.setTimeout(this.opts.idleMs ?? IDLE_MS, () => session.close());
    this.sessions.set(origin, entry);
    return entry;
  }

  private drop(origin: string, entry: Entry): void {
    if (this.sessions.get(origin) === entry) this.sessions.delete(origin);
    if (!entry.session.closed) entry.session.close();
  }

  close(): void {
    for (const [origin, entry] of this.sessions) this.drop(origin, entry);
  }
}
