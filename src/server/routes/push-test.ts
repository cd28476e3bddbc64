/**
 * Our extension's "send test push" button:
 *   POST /{org}/{app}/users/{me}/push/test  (no body)
 * pushes a test payload (title "IM Push Companion", body "Test notification", conversation
 * {id: me, type: "singleChat"}, message id "test-<uuid>") to every binding of the user, ignoring
 * presence and settings, and answers data {sent, devices: [{device_id, notifier, result}]}.
 * Web Push is sent at once (one attempt, 404/410 remove the binding); stream pushes go out live
 * when the stream is open and wait 24 h otherwise ("pending").
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildPushPayload, parseWebPushSubscription } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { deliverToStream } from '../push/stream.ts';
import { topicFor } from '../push/topic.ts';
import type { DeliveryWorker } from '../push/worker.ts';
import type { ImMessage } from '../store/ports.ts';
import { actFor, ok } from './http.ts';

export function pushTestRoutes(app: FastifyInstance, ctx: Context, worker: DeliveryWorker): void {
  app.post<{ Params: { me: string } }>('/users/:me/push/test', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.me);
    const now = ctx.config.now();
    const message: ImMessage = {
      id: `test-${randomUUID()}`,
      from: user,
      to: user,
      conversation: { id: user, type: 'singleChat' },
      type: 'txt',
      body: { msg: 'Test notification' },
      ts: now,
    };
    const row = (await ctx.users.get(user))!;
    const payload = buildPushPayload({ message, receiver: user, senderNickname: 'IM Push Companion', preferredLanguage: '', badge: row.offline_count });
    const types = new Map(ctx.certificates.map((c) => [c.name, c.type]));
    const devices: { device_id: string; notifier: string; result: string }[] = [];
    let sent = 0;
    for (const b of await ctx.bindings.of(user)) {
      const type = types.get(b.notifier);
      if (!type) continue;
      let result: string;
      if (type === 'stream') {
        result = await deliverToStream(ctx, user, b.device_id, payload, 0, now);
        if (result === 'sent') sent++;
      } else {
        const sub = parseWebPushSubscription(b.token, { allowPrivate: true });
        const o = sub.ok ? await worker.sender.send(sub.value, JSON.stringify(payload), topicFor(message.conversation)) : { status: 0, error: 'stored token is not a valid subscription' };
        if (o.status >= 200 && o.status < 300) {
          sent++;
          result = `sent (HTTP ${o.status})`;
        } else if (o.status === 404 || o.status === 410) {
          await ctx.bindings.removeIfToken(user, b.device_id, b.notifier, b.token);
          await ctx.router.invalidate({ bindingsOf: user });
          result = `gone (HTTP ${o.status}): binding removed`;
        } else result = `failed (${o.status ? `HTTP ${o.status}` : o.error ?? 'no answer'})`;
      }
      devices.push({ device_id: b.device_id, notifier: b.notifier, result });
    }
    return ok(ctx, req, reply, 'post', { sent, devices });
  });
}
