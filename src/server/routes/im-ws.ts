/**
 * SPEC 3.7: the IM connection. auth → ready, then the device's unacknowledged messages oldest
 * first, then live ones; acks; kicked on a same-resource login; heartbeat closes dead sockets.
 * This connection is what makes a device online.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { imClientFrameSchema } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { sendFrame } from '../presence/hub.ts';
import { notUpgraded } from './ws-frames.ts';
import { serveSocket } from './ws-session.ts';

export function imSocketRoutes(app: FastifyInstance, ctx: Context): void {
  app.route({ method: 'GET', url: '/ws', handler: notUpgraded, wsHandler: (socket: WebSocket) =>
    serveSocket(app, ctx, socket, {
      schema: imClientFrameSchema,
      what: 'the IM connection',
      authHint: '{"op":"auth","token","resource"}',
      onAuth(user, frame) {
        const resource = frame.resource;
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
        return { user, resource };
      },
      onFrame(session, frame) {
        if (!ctx.messages.ack(session.user, session.resource, frame.id))
          sendFrame(socket, { op: 'error', error: 'illegal_argument', error_description: `frame.id ${JSON.stringify(frame.id)}: no such message` });
      },
      onClose(session) {
        ctx.im.remove(session.user, session.resource, socket);
        ctx.bindings.touch(session.user, session.resource, ctx.config.now());
      },
    }),
  });
}
