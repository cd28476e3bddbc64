/** SPEC 3.8: the push decision trace, and "would a message here push to me now, and why". */
import type { FastifyInstance } from 'fastify';
import { checkBodySchema, type PreparedMessage, parseLimit, parseWith, quietStatus, scopeOf, settingsVerdict } from '../../core/index.ts';
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
    const at = body.at ?? ctx.config.now();
    const convId = body.conversation.type === 'singleChat' ? parseUser(body.conversation.id, 'conversation.id') : body.conversation.id;
    const conversation = { id: convId, type: body.conversation.type };
    const app = await ctx.settings.app(user);
    const conv = await ctx.settings.conversation(user, scopeOf(conversation.type), convId);
    // A stand-in message from someone else, mentioning the user when asked.
    const message: PreparedMessage = {
      id: 'check', from: '', conversation, silent: false, forced: false, mentionAll: false,
      mentioned: new Set(body.mentioned ? [user] : []),
    };
    const reason = settingsVerdict({ recipient: user, message, app, conversation: conv, advanced: await ctx.advanced(), now: at });
    const data: { push: boolean; reason: string; quietUntil?: number | null } = { push: reason === 'PUSH', reason };
    if (reason.startsWith('DND_')) data.quietUntil = quietStatus(app, conv, at).quietUntil;
    return ok(ctx, req, reply, 'post', data);
  });
}
