/** SPEC 3.9: the app's multi-device push policy and the advanced-features switch (app token). */
import type { FastifyInstance } from 'fastify';
import { featuresBodySchema, parseWith, policyBodySchema } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { callerOf, must, ok, requireApp } from './http.ts';

export function adminRoutes(app: FastifyInstance, ctx: Context): void {
  app.put('/push/policy', async (req, reply) => {
    await requireApp(ctx, req);
    const body = must(parseWith(policyBodySchema, req.body));
    await ctx.meta.set('policy', body.policy);
    return ok(ctx, req, reply, 'put', { policy: await ctx.policy() });
  });
  app.get('/push/policy', async (req, reply) => {
    await callerOf(ctx, req);
    return ok(ctx, req, reply, 'get', { policy: await ctx.policy() });
  });
  app.put('/push/features', async (req, reply) => {
    await requireApp(ctx, req);
    const body = must(parseWith(featuresBodySchema, req.body));
    await ctx.meta.set('advanced', String(body.advanced));
    return ok(ctx, req, reply, 'put', { advanced: await ctx.advanced() });
  });
  app.get('/push/features', async (req, reply) => {
    await callerOf(ctx, req);
    return ok(ctx, req, reply, 'get', { advanced: await ctx.advanced() });
  });
}
