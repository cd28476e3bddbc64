/** SPEC 3.6: sending messages (stored durably, delivered live, pushed per the rules) and the offline count. */
import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type ConversationRef, parseSendMessageBody, type SendTarget } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { ApiError } from '../errors.ts';
import { fanOut } from '../push/pipeline.ts';
import type { ImMessage } from '../store/messages.ts';
import { actFor, callerOf, must, ok } from './http.ts';

let lastId = 0;
/** Time-ordered numeric ids like Easemob's (ms timestamp + counter + random). */
export function newMessageId(now: number): string {
  const id = Math.max(now * 1000 + randomInt(0, 100), lastId + 1);
  lastId = id;
  return String(id);
}

/** Stores a message for its recipients, sends it to their open connections and runs the push pipeline. */
export function deliverMessage(ctx: Context, message: ImMessage, recipients: readonly string[]): void {
  const inboxOf = recipients.filter((u) => u !== message.from);
  ctx.db.transaction(() => {
    const seq = ctx.messages.store(message, inboxOf);
    fanOut(ctx, message, seq, recipients);
  })();
  for (const u of inboxOf) ctx.im.broadcast(u, { op: 'msg', msg: message });
  ctx.wake();
}

export function messageRoutes(app: FastifyInstance, ctx: Context): void {
  app.post<{ Params: { target: string } }>('/messages/:target', async (req, reply) => {
    const target = req.params.target;
    if (target !== 'users' && target !== 'chatgroups' && target !== 'chatrooms')
      throw new ApiError('service_resource_not_found', `No such message target "${target}": use messages/users, messages/chatgroups or messages/chatrooms.`);
    const caller = callerOf(ctx, req);
    const body = must(parseSendMessageBody(target as SendTarget, req.body));
    let from: string;
    if (caller.kind === 'user') {
      if (body.from !== undefined && body.from !== caller.username)
        throw new ApiError('forbidden', `A user token sends only as its own user ("${caller.username}"), not as "${body.from}".`);
      from = caller.username;
    } else from = body.from ?? 'admin';
    const now = ctx.config.now();
    const plan: { to: string; conversation: ConversationRef; recipients: string[] }[] = [];
    if (target === 'users') {
      const existing = ctx.users.existing(body.to);
      const missing = body.to.filter((u) => !existing.has(u));
      if (missing.length) throw new ApiError('illegal_argument', `to ${JSON.stringify(missing.slice(0, 5))}: no such user; send to registered usernames.`);
      for (const to of new Set(body.to)) plan.push({ to, conversation: { id: from, type: 'singleChat' }, recipients: [to] });
    } else {
      for (const id of new Set(body.to)) {
        const g = ctx.groups.get(id);
        const room = target === 'chatrooms';
        if (!g || (g.kind === 'room') !== room) throw new ApiError('illegal_argument', `to ${JSON.stringify(id)}: no such ${room ? 'chat room' : 'group'}.`);
        if (caller.kind === 'user' && !ctx.groups.isMember(id, from))
          throw new ApiError('forbidden', `"${from}" is not a member of ${room ? 'chat room' : 'group'} "${id}".`);
        plan.push({ to: id, conversation: { id, type: room ? 'chatRoom' : 'groupChat' }, recipients: ctx.groups.members(id) });
      }
    }
    const data: Record<string, string> = {};
    for (const p of plan) {
      const message: ImMessage = {
        id: newMessageId(now),
        from,
        to: p.to,
        conversation: p.conversation,
        type: body.type,
        body: body.body,
        ...(body.ext ? { ext: body.ext } : {}),
        ...(body.translations ? { translations: body.translations } : {}),
        ts: now,
      };
      deliverMessage(ctx, message, p.recipients);
      data[p.to] = message.id;
    }
    return ok(ctx, req, reply, 'post', data);
  });

  app.get<{ Params: { user: string } }>('/users/:user/offline_msg_count', async (req, reply) => {
    const { user } = actFor(ctx, req, req.params.user);
    return ok(ctx, req, reply, 'get', { [user]: ctx.users.get(user)!.offline_count });
  });
}
