/**
 * SPEC 3.7: the IM connection. auth → ready, then the device's unacknowledged messages oldest
 * first, then live ones; acks; kicked on a same-resource login; heartbeat closes dead sockets.
 * This connection is what makes a device online.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { imClientFrameSchema } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { ApiError } from '../errors.ts';
import { startHeartbeat } from '../presence/heartbeat.ts';
import { sendFrame } from '../presence/hub.ts';
import { callerOfToken } from './http.ts';
import { AUTH_TIMEOUT_MS, notUpgraded, readFrame } from './ws-frames.ts';

export function imSocketRoutes(app: FastifyInstance, ctx: Context): void {
  app.route({ method: 'GET', url: '/ws', handler: notUpgraded, wsHandler: (socket: WebSocket) => {
    let session: { user: string; resource: string } | undefined;
    const stopHeartbeat = startHeartbeat(socket, ctx.config.heartbeatMs);
    const authTimer = setTimeout(() => {
      if (!session) socket.close(4000, 'no auth frame');
    }, AUTH_TIMEOUT_MS);
    authTimer.unref();

    socket.on('message', (raw) => {
      try {
        const frame = readFrame(socket, raw, imClientFrameSchema);
        if (!frame) return;
        if (frame.op === 'ping') return void sendFrame(socket, { op: 'pong' });
        if (frame.op === 'auth') {
          if (session) return void sendFrame(socket, { op: 'error', error: 'illegal_argument', error_description: 'frame.op "auth": this connection is already signed in' });
          let caller;
          try {
            caller = callerOfToken(ctx, frame.token);
          } catch (e) {
            sendFrame(socket, { op: 'error', error: (e as ApiError).code ?? 'auth_bad_access_token', error_description: (e as Error).message });
            return void socket.close(4001, 'bad token');
          }
          if (caller.kind !== 'user') {
            sendFrame(socket, { op: 'error', error: 'forbidden', error_description: 'the IM connection needs a user token' });
            return void socket.close(4003, 'user token needed');
          }
          const user = caller.username;
          const resource = frame.resource;
          clearTimeout(authTimer);
          session = { user, resource };
          const now = ctx.config.now();
          // All synchronous: no message can slip between registering and sending the backlog.
          if (!ctx.bindings.isKnown(user, resource)) ctx.messages.adoptBacklog(user, resource);
          ctx.bindings.seen(user, resource, now);
          const old = ctx.im.add(user, resource, socket);
          if (old) {
            sendFrame(old, { op: 'kicked', reason: 'another connection signed in with the same resource' });
            old.close(4002, 'replaced');
          }
          ctx.users.resetOffline(user);
          sendFrame(socket, { op: 'ready', resource });
          for (const msg of ctx.messages.backlog(user, resource)) sendFrame(socket, { op: 'msg', msg });
          return;
        }
        if (!session) return void sendFrame(socket, { op: 'error', error: 'unauthorized', error_description: 'send {"op":"auth","token","resource"} first' });
        if (!ctx.messages.ack(session.user, session.resource, frame.id))
          sendFrame(socket, { op: 'error', error: 'illegal_argument', error_description: `frame.id ${JSON.stringify(frame.id)}: no such message` });
      } catch (e) {
        app.log.error({ err: e }, 'IM frame handling failed');
        sendFrame(socket, { op: 'error', error: 'internal_error', error_description: 'the server could not handle this frame' });
      }
    });
    socket.on('close', () => {
      clearTimeout(authTimer);
      stopHeartbeat();
      if (session) {
        ctx.im.remove(session.user, session.resource, socket);
        ctx.bindings.touch(session.user, session.resource, ctx.config.now());
      }
    });
    socket.on('error', () => socket.terminate());
  } });
}
