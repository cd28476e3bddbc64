/**
 * The life of a client WebSocket, shared by the IM connection and the push stream: an auth frame
 * within AUTH_TIMEOUT_MS, ping/pong, heartbeat, bad frames answered (never a crash), cleanup on close.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import type { Context } from '../context.ts';
import type { ApiError } from '../errors.ts';
import { startHeartbeat } from '../presence/heartbeat.ts';
import { sendFrame } from '../presence/hub.ts';
import { callerOfToken } from './http.ts';
import { AUTH_TIMEOUT_MS, readFrame } from './ws-frames.ts';

type Frame = { op: string };
type AuthFrame<F extends Frame> = Extract<F, { op: 'auth' }> & { token: string };

export interface SocketSpec<F extends Frame, S> {
  readonly schema: z.ZodType<F>;
  /** "the IM connection", "the push stream": named in error frames. */
  readonly what: string;
  /** The auth frame to send, shown to a client that sends something else first. */
  readonly authHint: string;
  /** Registers the signed-in user's socket and returns its session. */
  onAuth(user: string, frame: AuthFrame<F>, socket: WebSocket): S;
  /** Any frame after auth other than auth and ping. */
  onFrame(session: S, frame: Exclude<F, { op: 'auth' } | { op: 'ping' }>, socket: WebSocket): void;
  onClose(session: S, socket: WebSocket): void;
}

/** Runs one client socket through auth, frames and close according to `spec`. */
export function serveSocket<F extends Frame, S>(app: FastifyInstance, ctx: Context, socket: WebSocket, spec: SocketSpec<F, S>): void {
  let session: S | undefined;
  const stopHeartbeat = startHeartbeat(socket, ctx.config.heartbeatMs);
  const authTimer = setTimeout(() => {
    if (session === undefined) socket.close(4000, 'no auth frame');
  }, AUTH_TIMEOUT_MS);
  authTimer.unref();

  const signIn = (frame: AuthFrame<F>): void => {
    if (session !== undefined)
      return void sendFrame(socket, { op: 'error', error: 'illegal_argument', error_description: `frame.op "auth": ${spec.what} is already signed in` });
    let caller;
    try {
      caller = callerOfToken(ctx, frame.token);
    } catch (e) {
      sendFrame(socket, { op: 'error', error: (e as ApiError).code ?? 'auth_bad_access_token', error_description: (e as Error).message });
      return void socket.close(4001, 'bad token');
    }
    if (caller.kind !== 'user') {
      sendFrame(socket, { op: 'error', error: 'forbidden', error_description: `${spec.what} needs a user token` });
      return void socket.close(4003, 'user token needed');
    }
    clearTimeout(authTimer);
    session = spec.onAuth(caller.username, frame, socket);
  };

  socket.on('message', (raw) => {
    try {
      const frame = readFrame(socket, raw, spec.schema);
      if (!frame) return;
      if (frame.op === 'ping') return void sendFrame(socket, { op: 'pong' });
      if (frame.op === 'auth') return signIn(frame as AuthFrame<F>);
      if (session === undefined) return void sendFrame(socket, { op: 'error', error: 'unauthorized', error_description: `send ${spec.authHint} first` });
      spec.onFrame(session, frame as Exclude<F, { op: 'auth' } | { op: 'ping' }>, socket);
    } catch (e) {
      app.log.error({ err: e }, `${spec.what}: frame handling failed`);
      sendFrame(socket, { op: 'error', error: 'internal_error', error_description: 'the server could not handle this frame' });
    }
  });
  socket.on('close', () => {
    clearTimeout(authTimer);
    stopHeartbeat();
    if (session !== undefined) spec.onClose(session, socket);
  });
  socket.on('error', () => socket.terminate());
}
