/**
 * SPEC 4: the push stream, for browsers without a reachable push service. auth → ready, then
 * pending pushes (24 h) oldest first, then live ones; acks; app-level ping/pong keeps an MV3
 * worker alive. It does NOT make the user online.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { streamClientFrameSchema } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { startWithBacklog } from '../presence/hub.ts';
import { pendingStreamPushes } from '../push/stream.ts';
import { notUpgraded } from './ws-frames.ts';
import { serveSocket } from './ws-session.ts';

export function streamSocketRoutes(app: FastifyInstance, ctx: Context): void {
  app.route({ method: 'GET', url: '/push/stream', handler: notUpgraded, wsHandler: (socket: WebSocket) =>
    serveSocket(app, ctx, socket, {
      schema: streamClientFrameSchema,
      what: 'the push stream',
      authHint: '{"op":"auth","token","device_id"}',
      async onAuth(user, frame) {
        const device = frame.device_id;
        // Methods, not arrow properties: under tsx each named arrow costs a `__name` call per socket (B7).
        await startWithBacklog(socket, {
          register() {
            return ctx.router.attach('stream', user, device, socket);
          },
          ready: { op: 'ready', device_id: device },
          async backlog() {
            return (await pendingStreamPushes(ctx, user, device, ctx.config.now())).map((push) => ({ op: 'push', push }));
          },
          idOf(f) {
            return (f as { op?: string }).op === 'push' ? (f as { push: { m: string } }).push.m : undefined;
          },
        });
        return { user, device };
      },
      async onFrame(session, frame) {
        const seq = await ctx.deliveries.streamAck(session.user, session.device, frame.m);
        if (seq) await ctx.trace.setResult(session.user, seq, session.device, 'delivered', 'stream');
      },
      async onClose(session) {
        await ctx.router.detach('stream', session.user, session.device, socket);
      },
    }),
  });
}
