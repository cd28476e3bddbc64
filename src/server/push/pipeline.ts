/**
 * The push pipeline: for one message and all its recipients, load every recipient's settings,
 * bindings and devices with one batched query each, decide with core `decide()`, record the
 * reason, count offline messages, and queue the deliveries — all in one transaction.
 */
import {
  type AppSettings, buildPushPayload, decide, type DeviceState, EMPTY_CONVERSATION_SETTINGS, prepareMessage, scopeOf,
} from '../../core/index.ts';
import type { Context } from '../context.ts';
import type { BindingRow } from '../store/bindings.ts';
import type { ImMessage } from '../store/messages.ts';
import type { TraceDevice } from '../store/trace.ts';
import { deliverToStream } from './stream.ts';
import { topicFor } from './topic.ts';

export interface FanOutResult {
  decisions: number;
  pushes: number;
  queued: number;
}

function group<T>(rows: readonly T[], keyOf: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** Decides and queues pushes for `recipients` of `message`. Call after the message is stored. */
export function fanOut(ctx: Context, message: ImMessage, recipients: readonly string[]): FanOutResult {
  const now = ctx.config.now();
  const prepared = prepareMessage(message);
  const policy = ctx.policy();
  const advanced = ctx.advanced();
  const certNames = new Map(ctx.certificates.map((c) => [c.name, c.type]));
  const conv = message.conversation;
  const others = recipients.filter((u) => u !== message.from);
  const senderNickname = ctx.users.nickname(message.from);
  const topic = topicFor(conv);
  let pushes = 0;
  let queued = 0;

  ctx.db.transaction(() => {
    // Badge semantics (SPEC 1.6): count only for users with no device online right now.
    const offlineUsers = others.filter((u) => !ctx.im.isOnline(u));
    if (offlineUsers.length) ctx.db.prepare('UPDATE users SET offline_count = offline_count + 1 WHERE username IN (SELECT value FROM json_each(?))').run(JSON.stringify(offlineUsers));

    const apps = advanced ? ctx.settings.appMany(recipients) : new Map<string, AppSettings>();
    const convs = advanced ? ctx.settings.conversationMany(scopeOf(conv.type), conv.id, recipients) : new Map();
    const bindings = group(ctx.bindings.many(recipients).filter((b) => certNames.has(b.notifier)), (b) => b.username);
    const devices = group(ctx.bindings.devicesMany(recipients), (d) => d.username);
    const info = ctx.users.pushInfo(recipients);
    const defaultApp = ctx.settings.app('\u0000none');

    for (const u of recipients) {
      const userBindings = bindings.get(u) ?? [];
      const states = deviceStates(ctx, u, devices.get(u) ?? [], userBindings);
      const decision = decide({
        recipient: u,
        message: prepared,
        app: apps.get(u) ?? defaultApp,
        conversation: convs.get(u) ?? EMPTY_CONVERSATION_SETTINGS,
        devices: states,
        policy,
        advanced,
        now,
      });
      const traceDevices: TraceDevice[] = [];
      const targets: BindingRow[] = decision.push ? userBindings.filter((b) => decision.devices.includes(b.device_id)) : [];
      for (const b of targets) traceDevices.push({ device_id: b.device_id, notifier: b.notifier, result: 'queued' });
      const traceId = ctx.trace.add(u, message.id, now, conv, decision.push, decision.reason, traceDevices);
      if (!decision.push) continue;
      pushes++;
      const user = info.get(u);
      const payload = buildPushPayload({
        message,
        receiver: u,
        senderNickname,
        preferredLanguage: user?.language ?? '',
        badge: user?.offline ?? 0,
      });
      const json = JSON.stringify(payload);
      for (const b of targets) {
        if (certNames.get(b.notifier) === 'stream') {
          const td = traceDevices.find((d) => d.device_id === b.device_id && d.notifier === b.notifier);
          const result = deliverToStream(ctx, u, b.device_id, payload, traceId, now);
          if (td) td.result = result;
          ctx.trace.setResult(traceId, b.device_id, result, b.notifier);
        } else {
          ctx.deliveries.enqueue({ traceId, username: u, deviceId: b.device_id, token: b.token, payload: json, topic }, now);
          queued++;
        }
      }
    }
  })();
  return { decisions: recipients.length, pushes, queued };
}

/** A user's devices as `decide()` sees them: known resources and bound device ids, with live presence. */
function deviceStates(ctx: Context, user: string, known: readonly { resource: string; kicked: number }[], bindings: readonly BindingRow[]): DeviceState[] {
  const online = ctx.im.resources(user);
  const bound = new Set(bindings.map((b) => b.device_id));
  const kicked = new Set(known.filter((d) => d.kicked === 1).map((d) => d.resource));
  const all = new Set([...known.map((d) => d.resource), ...bound, ...online]);
  const out: DeviceState[] = [];
  for (const r of all) {
    out.push({ resource: r, status: online.has(r) ? 'online' : kicked.has(r) ? 'kicked' : 'offline', bound: bound.has(r) });
  }
  return out;
}
