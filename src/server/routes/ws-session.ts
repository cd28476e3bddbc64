/**
 * The life of a client WebSocket, shared by the IM connection and the push stream: an auth frame
 * within AUTH_TIMEOUT_MS, ping/pong, heartbeat, bad frames answered (never a crash), cleanup on close.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Context } from '../context.ts';
import type { ApiError } from '../errors.ts';
import type { Schema } from '../../core/index.ts';
import { closeAtExpiry } from '../limits/token-expiry.ts';
import { closeForAbuse, guardSocket } from '../limits/ws-guard.ts';
import { startHeartbeat } from '../presence/heartbeat.ts';
import { sendFrame } from '../presence/hub.ts';
import { callerOfToken } from './http.ts';
import { AUTH_TIMEOUT_MS, readFrame } from './ws-frames.ts';

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
  let session: S | undefined;
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  let closed = false;
  let authStarted = false;
  let stopExpiry = () => {};
  const guard = guardSocket(socket);
  const stopHeartbeat = startHeartbeat(socket, ctx.config.heartbeatMs);
  const authTimer = setTimeout(() => {
    if (session === undefined) socket.close(4000, 'no auth frame');
  }, AUTH_TIMEOUT_MS);
  authTimer.unref();

  const signIn = async (frame: AuthFrame<F>): Promise<void> => {
    // Frames that arrive while the store checks the token are not "before auth" (a cluster's store answers over the network).
    authStarted = true;
    if (session !== undefined)
      return void sendFrame(socket, { op: 'error', error: 'illegal_argument', error_description: `frame.op "auth": ${spec.what} is already signed in` });
    let caller, expires;
    try {
      ({ caller, expires } = await callerOfToken(ctx, frame.token));
    } catch (e) {
      if (!(e as ApiError).code) throw e;
      sendFrame(socket, { op: 'error', error: (e as ApiError).code ?? 'auth_bad_access_token', error_description: (e as Error).message });
      return void socket.close(4001, 'bad token');
    }
    if (caller.kind !== 'user') {
      sendFrame(socket, { op: 'error', error: 'forbidden', error_description: `${spec.what} needs a user token` });
      return void socket.close(4003, 'user token needed');
    }
    clearTimeout(authTimer);
    if (closed) return;
    stopExpiry = closeAtExpiry(socket, expires, ctx.config.now);
    session = await spec.onAuth(caller.username, frame, socket);
    // Closed while registering: the close handler ran before there was a session to clean up.
    if (closed) await spec.onClose(session, socket);
  };

  const handle = async (raw: unknown): Promise<void> => {
    try {
      const frame = readFrame(socket, raw, spec.schema);
      if (!frame) return;
      if (frame.op === 'ping') return void sendFrame(socket, { op: 'pong' });
      if (frame.op === 'auth') return await signIn(frame as AuthFrame<F>);
      if (session === undefined) return void sendFrame(socket, { op: 'error', error: 'unauthorized', error_description: `send ${spec.authHint} first` });
      await spec.onFrame(session, frame as Exclude<F, { op: 'auth' } | { op: 'ping' }>, socket);
    } catch (e) {
      app.log.error({ err: e }, `${spec.what}: frame handling failed`);
      sendFrame(socket, { op: 'error', error: 'internal_error', error_description: 'the server could not handle this frame' });
    }
  };

  socket.on('message', (raw) => {
    if (closed || !guard.admit(session !== undefined || authStarted)) return;
    if (++pending > MAX_PENDING_FRAMES) {
      pending = 0;
      return closeForAbuse(socket, 'too many frames waiting for an answer');
    }
    chain = chain.then(() => handle(raw)).finally(() => void pending--);
  });
  socket.on('close', () => {
    closed = true;
    clearTimeout(authTimer);
    stopExpiry();
    stopHeartbeat();
    const s = session;
    if (s !== undefined)
      void chain.then(() => spec.onClose(s, socket)).catch((err: unknown) => app.log.error({ err }, `${spec.what}: cleanup failed`));
  });
  socket.on('error', () => socket.terminate());
}
