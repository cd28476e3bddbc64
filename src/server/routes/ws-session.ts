/**
 * The life of a client WebSocket, shared by the IM connection and the push stream: an auth frame
 * within config.authTimeoutMs, ping/pong, heartbeat, bad frames answered (never a crash), cleanup on close.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Context } from '../context.ts';
import type { ApiError } from '../errors.ts';
import type { Schema } from '../../core/index.ts';
import { closeAtExpiry } from '../limits/token-expiry.ts';
import { closeForAbuse, type FrameGuard, guardSocket } from '../limits/ws-guard.ts';
import { startHeartbeat } from '../presence/heartbeat.ts';
import { sendFrame } from '../presence/hub.ts';
import { callerOfToken } from './http.ts';
import { readFrame } from './ws-frames.ts';

type Frame = { op: string };
type AuthFrame<F extends Frame> = Extract<F, { op: 'auth' }> & { token: string };

export interface SocketSpec<F extends Frame, S> {
  readonly schema: Schema<F>;
  /** "the IM connection", "the push stream": named in error frames. */
  readonly what: string;
  /** The auth frame to send, shown to a client that sends something else first. */
  readonly authHint: string;
  /** Registers the signed-in user's socket and returns its session. */
  onAuth(user: string, frame: AuthFrame<F>, socket: WebSocket): Promise<S>;
  /** Any frame after auth other than auth and ping. */
  onFrame(session: S, frame: Exclude<F, { op: 'auth' } | { op: 'ping' }>, socket: WebSocket): Promise<void>;
  onClose(session: S, socket: WebSocket): Promise<void>;
}

/** Frames received but not yet handled; past this the client is not waiting for answers, and is closed. */
const MAX_PENDING_FRAMES = 256;

/**
 * Runs one client socket through auth, frames and close according to `spec`. Frames are handled
 * one at a time, in order (the store may answer asynchronously: an ack must not overtake the
 * auth it follows).
 */
export function serveSocket<F extends Frame, S>(app: FastifyInstance, ctx: Context, socket: WebSocket, spec: SocketSpec<F, S>): void {
  const life = new SocketLife(app, ctx, socket, spec);
  socket.on('message', (raw) => life.received(raw));
  socket.on('close', () => life.closed());
  // No 'error' listener here: @fastify/websocket gives every socket one, which logs and terminates.
}

const NO_EXPIRY = (): void => {};

/**
 * One socket's state and steps. A class rather than closures made per socket: under tsx each named
 * closure costs a `__name` call, and B7 opens thousands of sockets a second.
 */
class SocketLife<F extends Frame, S> {
  private session: S | undefined;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private isClosed = false;
  private authStarted = false;
  private stopExpiry = NO_EXPIRY;
  private readonly guard: FrameGuard;
  private readonly stopHeartbeat: () => void;
  private readonly authTimer: NodeJS.Timeout;

  constructor(private readonly app: FastifyInstance, private readonly ctx: Context, private readonly socket: WebSocket, private readonly spec: SocketSpec<F, S>) {
    this.guard = guardSocket(socket);
    this.stopHeartbeat = startHeartbeat(socket, ctx.config.heartbeatMs);
    // Cleared once the token is accepted: a lookup still running at the deadline does not save the socket.
    this.authTimer = setTimeout(() => socket.close(4000, 'no auth frame'), ctx.config.authTimeoutMs);
    this.authTimer.unref();
  }

  received(raw: unknown): void {
    if (this.isClosed || !this.guard.admit(this.session !== undefined || this.authStarted)) return;
    if (++this.pending > MAX_PENDING_FRAMES) {
      this.pending = 0;
      return closeForAbuse(this.socket, 'too many frames waiting for an answer');
    }
    this.chain = this.chain.then(() => this.handle(raw)).finally(() => void this.pending--);
  }

  closed(): void {
    this.isClosed = true;
    clearTimeout(this.authTimer);
    this.stopExpiry();
    this.stopHeartbeat();
    const s = this.session;
    if (s !== undefined) void this.chain.then(() => this.cleanUp(s));
  }

  /** Never throws: a failed cleanup is logged as one, whichever path ran it. */
  private async cleanUp(s: S): Promise<void> {
    try {
      await this.spec.onClose(s, this.socket);
    } catch (err) {
      this.app.log.error({ err }, `${this.spec.what}: cleanup failed`);
    }
  }

  private async handle(raw: unknown): Promise<void> {
    const { socket, spec } = this;
    try {
      const frame = readFrame(socket, raw, spec.schema);
      if (!frame) return;
      if (frame.op === 'ping') return void sendFrame(socket, { op: 'pong' });
      if (frame.op === 'auth') return await this.signIn(frame as AuthFrame<F>);
      if (this.session === undefined) return void sendFrame(socket, { op: 'error', error: 'unauthorized', error_description: `send ${spec.authHint} first` });
      await spec.onFrame(this.session, frame as Exclude<F, { op: 'auth' } | { op: 'ping' }>, socket);
    } catch (e) {
      this.app.log.error({ err: e }, `${spec.what}: frame handling failed`);
      sendFrame(socket, { op: 'error', error: 'internal_error', error_description: 'the server could not handle this frame' });
    }
  }

  private async signIn(frame: AuthFrame<F>): Promise<void> {
    const { ctx, socket, spec } = this;
    // Frames that arrive while the store checks the token are not "before auth" (a cluster's store answers over the network).
    this.authStarted = true;
    if (this.session !== undefined)
      return void sendFrame(socket, { op: 'error', error: 'illegal_argument', error_description: `frame.op "auth": ${spec.what} is already signed in` });
    let caller, expires;
    try {
      ({ caller, expires } = await callerOfToken(ctx, frame.token));
    } catch (e) {
      if (!(e as ApiError).code) throw e;
      sendFrame(socket, { op: 'error', error: (e as ApiError).code, error_description: (e as Error).message });
      return void socket.close(4001, 'bad token');
    }
    if (caller.kind !== 'user') {
      sendFrame(socket, { op: 'error', error: 'forbidden', error_description: `${spec.what} needs a user token` });
      return void socket.close(4003, 'user token needed');
    }
    clearTimeout(this.authTimer);
    if (this.isClosed) return;
    this.stopExpiry = closeAtExpiry(socket, expires, ctx.config.now);
    this.session = await spec.onAuth(caller.username, frame, socket);
    // Closed while registering: the close handler ran before there was a session to clean up.
    if (this.isClosed) await this.cleanUp(this.session);
  }
}
