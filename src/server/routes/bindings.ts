/** SPEC 3.5: push bindings (uploadPushToken) and the app's push certificates. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bindingBodySchema, parseWebPushSubscription, parseWith } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { ApiError } from '../errors.ts';
import { checkNewBinding } from '../limits/per-user.ts';
import { endpointHostProblem } from '../push/ssrf.ts';
import { actFor, callerOf, must, ok } from './http.ts';
import { userEntity } from './accounts.ts';

/** Validates and stores one binding; a rejected one changes nothing. */
async function bind(ctx: Context, user: string, body: unknown): Promise<void> {
  const b = must(parseWith(bindingBodySchema, body));
  const cert = ctx.certificates.find((c) => c.name === b.notifier_name);
  if (!cert)
    throw new ApiError('illegal_argument', `notifier_name ${JSON.stringify(b.notifier_name)}: the name of a push certificate of the app (${ctx.certificates.map((c) => c.name).join(', ')})`);
  if (b.device_token !== '' && cert.type === 'webpush') {
    const sub = must(parseWebPushSubscription(b.device_token, { allowPrivate: ctx.config.allowPrivatePushEndpoints }));
    const problem = await endpointHostProblem(new URL(sub.endpoint).hostname, ctx.config.allowPrivatePushEndpoints);
    if (problem) throw new ApiError('illegal_argument', `device_token.endpoint ${JSON.stringify(sub.endpoint)}: ${problem}`);
  }
  await checkNewBinding(ctx, user, b.device_id, b.notifier_name, b.device_token);
  await ctx.bindings.put(user, b.device_id, b.notifier_name, b.device_token, ctx.config.now());
  await ctx.router.invalidate({ bindingsOf: user });
}

async function bindingList(ctx: Context, user: string) {
  return (await ctx.bindings.of(user)).map((b) => ({ device_id: b.device_id, device_token: b.token, notifier_name: b.notifier }));
}

export function bindingRoutes(app: FastifyInstance, ctx: Context): void {
  app.put<{ Params: { user: string } }>('/users/:user', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.user);
    await bind(ctx, user, req.body);
    const entity = { ...userEntity((await ctx.users.get(user))!), pushInfo: await bindingList(ctx, user) };
    return ok(ctx, req, reply, 'put', undefined, { entities: [entity] });
  });

  const put = async (req: FastifyRequest, reply: FastifyReply) => {
    const { user } = await actFor(ctx, req, (req.params as { user: string }).user);
    await bind(ctx, user, req.body);
    return ok(ctx, req, reply, 'put', await bindingList(ctx, user));
  };
  app.put('/users/:user/push/binding', put);
  app.get<{ Params: { user: string } }>('/users/:user/push/binding', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.user);
    return ok(ctx, req, reply, 'get', await bindingList(ctx, user));
  });

  app.get('/push/certificates', async (req, reply) => {
    await callerOf(ctx, req);
    return ok(ctx, req, reply, 'get', ctx.certificates.map((c) => ({ ...c })));
  });
}
