/** SPEC 3.6: sending messages (stored durably, delivered live, pushed per the rules) and the offline count. */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type ConversationRef, parseSendMessageBody, type SendTarget } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { ApiError } from '../errors.ts';
import { fanOut } from '../push/pipeline.ts';
import type { ImMessage } from '../store/ports.ts';
import { actFor, callerOf, must, ok } from './http.ts';

/**
 * Time-ordered numeric ids like Easemob's, unique across nodes without coordination: ms
 * timestamp, then three digits naming the node (a hash of its id), then a per-node counter of
 * three digits (a node issuing more than 1,000 in one ms borrows from the next ms).
 */
export class MessageIds {
  private last = 0n;
  private readonly node: bigint;
  constructor(nodeId: string) {
    this.node = BigInt(createHash('sha256').update(nodeId).digest().readUInt16BE(0) % 1000);
  }
  next(now: number): string {
    const base = BigInt(now) * 1_000_000n + this.node * 1000n;
    // Same node, same ms: count up; past 999, the next ms of this node's series.
    const id = base > this.last ? base : this.last % 1000n === 999n ? this.last + 1_000_000n - 999n : this.last + 1n;
    this.last = id;
    return id.toString();
  }
}

export function messageRoutes(app: FastifyInstance, ctx: Context): void {
  const ids = new MessageIds(ctx.config.nodeId);
  app.post<{ Params: { target: string } }>('/messages/:target', async (req, reply) => {
    const target = req.params.target;
    if (target !== 'users' && target !== 'chatgroups' && target !== 'chatrooms')
      throw new ApiError('service_resource_not_found', `No such message target "${target}": use messages/users, messages/chatgroups or messages/chatrooms.`);
    const caller = await callerOf(ctx, req);
    const body = must(parseSendMessageBody(target as SendTarget, req.body));
    let from: string;
    if (caller.kind === 'user') {
      if (body.from !== undefined && body.from !== caller.username)
        throw new ApiError('forbidden', `A user token sends only as its own user ("${caller.username}"), not as "${body.from}".`);
      from = caller.username;
    } else from = body.from ?? 'admin';
    const now = ctx.config.now();
    const plan: { to: string; conversation: ConversationRef; recipients: string[]; group?: string }[] = [];
    if (target === 'users') {
      const existing = await ctx.users.existing(body.to);
      const missing = body.to.filter((u) => !existing.has(u));
      if (missing.length) throw new ApiError('illegal_argument', `to ${JSON.stringify(missing.slice(0, 5))}: no such user; send to registered usernames.`);
      for (const to of new Set(body.to)) plan.push({ to, conversation: { id: from, type: 'singleChat' }, recipients: [to] });
    } else {
      for (const id of new Set(body.to)) {
        const g = await ctx.groups.get(id);
        const room = target === 'chatrooms';
        if (!g || (g.kind === 'room') !== room) throw new ApiError('illegal_argument', `to ${JSON.stringify(id)}: no such ${room ? 'chat room' : 'group'}.`);
        if (caller.kind === 'user' && !(await ctx.groups.isMember(id, from)))
          throw new ApiError('forbidden', `"${from}" is not a member of ${room ? 'chat room' : 'group'} "${id}".`);
        plan.push({ to: id, conversation: { id, type: room ? 'chatRoom' : 'groupChat' }, recipients: await ctx.groups.members(id), group: id });
      }
    }
    const data: Record<string, string> = {};
    for (const p of plan) {
      const message: ImMessage = {
        id: ids.next(now),
        from,
        to: p.to,
        conversation: p.conversation,
        type: body.type,
        body: body.body,
        ...(body.ext ? { ext: body.ext } : {}),
        ...(body.translations ? { translations: body.translations } : {}),
        ts: now,
      };
      // Stores it, sends it to open connections and runs the push pipeline.
      await fanOut(ctx, message, p.recipients, p.group !== undefined ? { group: p.group } : {});
      data[p.to] = message.id;
    }
    return ok(ctx, req, reply, 'post', data);
  });

  app.get<{ Params: { user: string } }>('/users/:user/offline_msg_count', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.user);
    return ok(ctx, req, reply, 'get', { [user]: (await ctx.users.get(user))!.offline_count });
  });
}
