/**
 * Gateway mode's own endpoints (SPEC 9.2): which upstream this is (for the extension's "connected
 * through a gateway to ORG#APP"), a user's mirroring state, and what is not served here because
 * it stays upstream (the IM WebSocket; registration is refused in routes/accounts.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { ApiError } from '../errors.ts';
import { actFor, callerOf, ok } from './http.ts';

/** The sentence for what the upstream serves instead of the gateway. */
export function servedUpstream(ctx: Context, what: string): ApiError {
  return new ApiError('service_resource_not_found', `${what} is not served here: this server is a push gateway for ${ctx.gateway?.cfg.appKey}, whose own IM service handles it.`);
}

export function gatewayRoutes(app: FastifyInstance, ctx: Context): void {
  const gw = ctx.gateway;
  app.get('/gateway', async (req, reply) => {
    await callerOf(ctx, req);
    return ok(ctx, req, reply, 'get', gw ? { gateway: true, upstreamAppKey: gw.cfg.appKey, mirrorSettings: gw.cfg.mirrorSettings } : { gateway: false });
  });
  if (!gw) return;
  app.get<{ Params: { me: string } }>('/users/:me/gateway/status', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.me);
    return ok(ctx, req, reply, 'get', await gw.status(user));
  });
  // Refused in onRequest, before @fastify/websocket's handler would accept the upgrade: the
  // client gets this 404 on the upgrade request itself, and no socket is opened.
  const refuse = async () => {
    throw servedUpstream(ctx, 'The IM connection (WebSocket /ws)');
  };
  app.get('/ws', { onRequest: refuse }, refuse);
}
