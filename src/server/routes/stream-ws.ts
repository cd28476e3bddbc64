/**
 * SPEC 4: the push stream, for browsers without a reachable push service. auth → ready, then
 * pending pushes (24 h) oldest first, then live ones; acks; app-level ping/pong keeps an MV3
 * worker alive. It does NOT make the user online.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { streamClientFrameSchema } from '../../core/index.ts';
import type { Context } from '../context.ts';
import type { ApiError } from '../errors.ts';
import { startHeartbeat } from '../presence/heartbeat.ts';
import { sendFrame } from '../presence/hub.ts';
import { pendingStreamPushes } from '../push/stream.ts';
import { callerOfToken } from './http.ts';
import { AUTH_TIMEOUT_MS, notUpgraded, readFrame } from './ws-frames.ts';

export function streamSocketRoutes(app: FastifyInstance, ctx: Context): void {
  app.route({ method: 'GET', url: '/push/stream', handler: notUpgraded, wsHandler: (socket: WebSocket) => {
    let session: { user: string; device: string } | undefined;
    const stopHeartbeat = startHeartbeat(socket, ctx.config.heartbeatMs);
    const authTimer = setTimeout(() => {
      if (!session) socket.close(4000, 'no auth frame');
    }, AUTH_TIMEOUT_MS);
    authTimer.unref();

    socket.on('message', (raw) => {
      try {
        const frame = readFrame(socket, raw, streamClientFrameSchema);
        if (!frame) return;
        if (frame.op === 'ping') return void sendFrame(socket, { op: 'pong' });
        if (frame.op === 'auth') {
          if (session) return void sendFrame(socket, { op: 'error', error: 'illegal_argument', error_description: 'frame.op "auth": this stream is already signed in' });
          let caller;
          try {
            caller = callerOfToken(ctx, frame.token);
          } catch (e) {
            sendFrame(socket, { op: 'error', error: (e as ApiError).code ?? 'auth_bad_access_token', error_description: (e as Error).message });
            return void socket.close(4001, 'bad token');
          }
          if (caller.kind !== 'user') {
            sendFrame(socket, { op: 'error', error: 'forbidden', error_description: 'the push stream needs a user token' });
            return void socket.close(4003, 'user token needed');
          }
          clearTimeout(authTimer);
          session = { user: caller.username, device: frame.device_id };
          const old = ctx.streams.add(session.user, session.device, socket);
          if (old) old.close(4002, 'replaced by a newer stream for this device');
          sendFrame(socket, { op: 'ready', device_id: session.device });
          const now = ctx.config.now();
          for (const push of pendingStreamPushes(ctx, session.user, session.device, now)) sendFrame(socket, { op: 'push', push });
          return;
        }
        if (!session) return void sendFrame(socket, { op: 'error', error: 'unauthorized', error_description: 'send {"op":"auth","token","device_id"} first' });
        const seq = ctx.deliveries.streamAck(session.user, session.device, frame.m);
        if (seq) ctx.trace.setResult(session.user, seq, session.device, 'delivered', 'stream');
      } catch (e) {
        app.log.error({ err: e }, 'stream frame handling failed');
        sendFrame(socket, { op: 'error', error: 'internal_error', error_description: 'the server could not handle this frame' });
      }
    });
    socket.on('close', () => {
      clearTimeout(authTimer);
      stopHeartbeat();
      if (session) ctx.streams.remove(session.user, session.device, socket);
    });
    socket.on('error', () => socket.terminate());
  } });
}
