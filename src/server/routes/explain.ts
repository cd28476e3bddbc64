/** SPEC 3.8: the push decision trace, and "would a message here push to me now, and why". */
import type { FastifyInstance } from 'fastify';
import { checkBodySchema, checkDecision, parseLimit, parseWith, scopeOf } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { actFor, must, ok, parseUser } from './http.ts';

export function explainRoutes(app: FastifyInstance, ctx: Context): void {
  app.get<{ Params: { me: string }; Querystring: { limit?: unknown } }>('/users/:me/notification/trace', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.me);
    const limit = must(parseLimit(req.query.limit, 20, 100));
    return ok(ctx, req, reply, 'get', await ctx.trace.last(user, limit));
  });

  app.post<{ Params: { me: string } }>('/users/:me/notification/check', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.me);
    const body = must(parseWith(checkBodySchema, req.body));
    const convId = body.conversation.type === 'singleChat' ? parseUser(body.conversation.id, 'conversation.id') : body.conversation.id;
    const conversation = { id: convId, type: body.conversation.type };
    const [app, conv, advanced] = await Promise.all([
      ctx.settings.app(user),
      ctx.settings.conversation(user, scopeOf(conversation.type), convId),
      ctx.advanced(),
    ]);
    // Settings only (steps 4–6 of SPEC 1.8), whatever the devices' presence now.
    const verdict = checkDecision({
      recipient: user, app, conversationSettings: conv, conversation, at: body.at ?? ctx.config.now(), advanced,
      ...(body.from !== undefined ? { from: body.from } : {}),
      ...(body.text !== undefined ? { text: body.text } : {}),
      ...(body.mentioned !== undefined ? { mentioned: body.mentioned } : {}),
    });
    return ok(ctx, req, reply, 'post', verdict);
  });
}
