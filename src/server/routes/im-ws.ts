/**
 * SPEC 3.7: the IM connection. auth → ready, then the device's unacknowledged messages oldest
 * first, then live ones; acks; kicked on a same-resource login (on any node); heartbeat closes
 * dead sockets. This connection is what makes a device online.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { imClientFrameSchema } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { makeRoomForResource } from '../limits/per-user.ts';
import { sendFrame, startWithBacklog } from '../presence/hub.ts';
import { notUpgraded } from './ws-frames.ts';
import { serveSocket } from './ws-session.ts';

export function imSocketRoutes(app: FastifyInstance, ctx: Context): void {
  app.route({ method: 'GET', url: '/ws', handler: notUpgraded, wsHandler: (socket: WebSocket) =>
    serveSocket(app, ctx, socket, {
      schema: imClientFrameSchema,
      what: 'the IM connection',
      authHint: '{"op":"auth","token","resource"}',
      async onAuth(user, frame) {
        const resource = frame.resource;
        const now = ctx.config.now();
        // Registered first, with live frames held: a message committed from here on reaches the
        // socket (after the backlog), one committed before is in the backlog read below.
        await startWithBacklog(socket, {
          async register() {
            await ctx.router.attach('im', user, resource, socket, { op: 'kicked', reason: 'another connection signed in with the same resource' });
            // Backlog adopted by a new resource, seen, offline count reset, and no summary after
            // this (what quiet time held is seen now, SPEC 1.7): one unit. It says whether the
            // resource was new, so a reconnect (the common case, and a storm's) reads nothing more.
            if (await ctx.store.deviceOnline(user, resource, now)) await makeRoomForResource(ctx, user, resource);
          },
          ready: { op: 'ready', resource },
          // Methods, not arrow properties: under tsx each named arrow costs a `__name` call per socket (B7).
          async backlog() {
            return (await ctx.messages.backlog(user, resource)).map((msg) => ({ op: 'msg', msg }));
          },
          idOf(f) {
            return (f as { op?: string }).op === 'msg' ? (f as { msg: { id: string } }).msg.id : undefined;
          },
        });
        return { user, resource };
      },
      async onFrame(session, frame) {
        if (!(await ctx.messages.ack(session.user, session.resource, frame.id)))
          sendFrame(socket, { op: 'error', error: 'illegal_argument', error_description: `frame.id ${JSON.stringify(frame.id)}: no such message` });
      },
      async onClose(session) {
        await ctx.router.detach('im', session.user, session.resource, socket);
        await ctx.bindings.touch(session.user, session.resource, ctx.config.now());
      },
    }),
  });
}
