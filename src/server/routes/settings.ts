/** SPEC 3.2–3.4: app-level and conversation push settings, batch reads, remind-type list, push language. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  appSettingsToWire, conversationSettingsMatter, conversationSettingsToWire, languageBodySchema, parseAppSettingsBody,
  parseBatchQuery, parseConversationSettingsBody, parseLimit, parseWith, type WireScope,
} from '../../core/index.ts';
import type { Context } from '../context.ts';
import { ApiError } from '../errors.ts';
import { checkConversationSettings } from '../limits/per-user.ts';
import { decodeCursor, encodeCursor } from '../store/settings.ts';
import { actFor, must, ok, parseUser } from './http.ts';

type Q = { resource?: unknown; [k: string]: unknown };

function scopeParam(scope: string): WireScope {
  if (scope === 'user' || scope === 'chatgroup') return scope;
  throw new ApiError('service_resource_not_found', `No such settings scope "${scope}": use notification/user/{id} or notification/chatgroup/{id}.`);
}

function conversationId(scope: WireScope, id: string): string {
  if (scope === 'user') return parseUser(id, 'conversation id');
  if (id.length < 1 || id.length > 128) throw new ApiError('illegal_argument', `conversation id ${JSON.stringify(id)}: an id of 1–128 characters`);
  return id;
}

/** `?resource=R`: who made the change, so the user's other connections can be told. */
function resourceOf(req: FastifyRequest): string | undefined {
  const r = (req.query as Q).resource;
  if (r === undefined) return undefined;
  if (typeof r !== 'string' || r.length < 1 || r.length > 64) throw new ApiError('illegal_argument', `resource ${JSON.stringify(r)}: the device resource, 1–64 characters`);
  return r;
}

/** Tells the user's other IM connections, and (our extension) their push streams, about a change. */
async function announce(ctx: Context, user: string, resource: string | undefined, data: unknown, target: { user: string } | { group: string }): Promise<void> {
  if (resource === undefined) return;
  const frame = { op: 'event', type: 'user_notification_mute', values: [{ operator_resource: resource, data, ...target }] };
  await ctx.router.toUsers('im', [user], frame, resource);
  await ctx.router.toUsers('stream', [user], frame, resource);
}

async function requireAdvanced(ctx: Context): Promise<void> {
  if (!(await ctx.advanced())) throw new ApiError('service_not_enabled', 'Advanced push settings are turned off for this app; an admin can turn them on with PUT /{org}/{app}/push/features {"advanced": true}.');
}

export function settingsRoutes(app: FastifyInstance, ctx: Context): void {
  app.put<{ Params: { me: string; scope: string; id: string } }>('/users/:me/notification/:scope/:id', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.me);
    const scope = scopeParam(req.params.scope);
    const id = conversationId(scope, req.params.id);
    const resource = resourceOf(req);
    await requireAdvanced(ctx);
    const now = ctx.config.now();
    if (scope === 'user' && id === user) {
      const patch = must(parseAppSettingsBody(req.body));
      const data = appSettingsToWire(await ctx.settings.patchApp(user, patch, now), now);
      await ctx.router.invalidate({ user });
      await announce(ctx, user, resource, data, { user });
      return ok(ctx, req, reply, 'put', data);
    }
    const patch = must(parseConversationSettingsBody(req.body));
    await checkConversationSettings(ctx, user, scope, id);
    const data = conversationSettingsToWire(await ctx.settings.patchConversation(user, scope, id, patch, now), now);
    await ctx.router.invalidate({ conversation: { scope, id } });
    await announce(ctx, user, resource, data, scope === 'user' ? { user: id } : { group: id });
    return ok(ctx, req, reply, 'put', data);
  });

  app.get<{ Params: { me: string; scope: string; id: string } }>('/users/:me/notification/:scope/:id', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.me);
    const scope = scopeParam(req.params.scope);
    const id = conversationId(scope, req.params.id);
    const now = ctx.config.now();
    if (scope === 'user' && id === user) return ok(ctx, req, reply, 'get', appSettingsToWire(await ctx.settings.app(user), now));
    return ok(ctx, req, reply, 'get', conversationSettingsToWire(await ctx.settings.conversation(user, scope, id), now));
  });

  app.get<{ Params: { me: string }; Querystring: Q }>('/users/:me/notification', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.me);
    const q = must(parseBatchQuery(req.query as { user?: unknown; group?: unknown }));
    const now = ctx.config.now();
    const pick = async (scope: WireScope, ids: string[]) => {
      const out: Record<string, unknown> = {};
      for (const [id, s] of await ctx.settings.conversationsOf(user, scope, ids)) if (conversationSettingsMatter(s, now)) out[id] = conversationSettingsToWire(s, now);
      return out;
    };
    return ok(ctx, req, reply, 'get', { user: await pick('user', q.user), group: await pick('chatgroup', q.group) });
  });

  app.get<{ Params: { me: string }; Querystring: Q }>('/users/:me/notification/mute/type', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.me);
    const limit = must(parseLimit(req.query.limit, 10, 100));
    const rawCursor = req.query.cursor ?? '';
    const cursor = typeof rawCursor === 'string' ? decodeCursor(rawCursor) : undefined;
    if (cursor === undefined) throw new ApiError('illegal_argument', `cursor ${JSON.stringify(rawCursor)}: the cursor string of the previous page, or "" for the first`);
    const page = await ctx.settings.remindTypePage(user, limit, cursor);
    const data = page.items.map((i) => (i.scope === 'user' ? { user: i.id, value: i.type } : { group: i.id, value: i.type }));
    return ok(ctx, req, reply, 'get', data, { cursor: encodeCursor(page.cursor) });
  });

  app.put<{ Params: { me: string } }>('/users/:me/notification/language', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.me);
    const body = must(parseWith(languageBodySchema, req.body));
    await ctx.users.setLanguage(user, body.translationLanguage);
    return ok(ctx, req, reply, 'put', { language: body.translationLanguage });
  });

  app.get<{ Params: { me: string } }>('/users/:me/notification/language', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.me);
    return ok(ctx, req, reply, 'get', { language: (await ctx.users.get(user))!.language });
  });
}
