/**
 * SPEC 4: the push stream, for browsers without a reachable push service. auth → ready, then
 * pending pushes (24 h) oldest first, then live ones; acks; app-level ping/pong keeps an MV3
 * worker alive. It does NOT make the user online.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { streamClientFrameSchema } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { sendFrame } from '../presence/hub.ts';
import { pendingStreamPushes } from '../push/stream.ts';
import { notUpgraded } from './ws-frames.ts';
import { serveSocket } from './ws-session.ts';

export function streamSocketRoutes(app: FastifyInstance, ctx: Context): void {
  app.route({ method: 'GET', url: '/push/stream', handler: notUpgraded, wsHandler: (socket: WebSocket) =>
    serveSocket(app, ctx, socket, {
      schema: streamClientFrameSchema,
      what: 'the push stream',
      authHint: '{"op":"auth","token","device_id"}',
      onAuth(user, frame) {
        const device = frame.device_id;
        const old = ctx.streams.add(user, device, socket);
        if (old) old.close(4002, 'replaced by a newer stream for this device');
        sendFrame(socket, { op: 'ready', device_id: device });
        for (const push of pendingStreamPushes(ctx, user, device, ctx.config.now())) sendFrame(socket, { op: 'push', push });
        return { user, device };
      },
      onFrame(session, frame) {
        const seq = ctx.deliveries.streamAck(session.user, session.device, frame.m);
        if (seq) ctx.trace.setResult(session.user, seq, session.device, 'delivered', 'stream');
      },
      onClose(session) {
        ctx.streams.remove(session.user, session.device, socket);
      },
    }),
  });
}
