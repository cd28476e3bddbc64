/**
 * The push pipeline: for one message and all its recipients, load every recipient's settings,
 * bindings and devices with one batched query each, decide with core `decide()`, record the
 * reason, count offline messages, and queue the deliveries — all in one transaction, with the
 * writes batched too (a 10,000-member group is a handful of statements, not tens of thousands).
 */
import {
  type AppSettings, buildPushPayload, type ConversationSettings, decide, type DeviceState, EMPTY_CONVERSATION_SETTINGS,
  prepareMessage, scopeOf,
} from '../../core/index.ts';
import type { Context } from '../context.ts';
import type { BindingRef, DeviceRow } from '../store/bindings.ts';
import type { NewDelivery } from '../store/deliveries.ts';
import type { ImMessage } from '../store/messages.ts';
import type { NewTrace } from '../store/trace.ts';
import { deliverToStream } from './stream.ts';

export interface FanOutResult {
  decisions: number;
  pushes: number;
  queued: number;
}

function groupBy<T>(rows: readonly T[], keyOf: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** What the decisions need about every recipient, keyed by username. */
export interface RecipientData {
  apps: Map<string, AppSettings>;
  convs: Map<string, ConversationSettings>;
  bindings: Map<string, readonly BindingRef[]>;
  /** Kicked devices only: online comes from live connections, other unbound devices do not matter. */
  devices: Map<string, DeviceRow[]>;
}

/** Loads everything with one query per concern for all recipients (`IN (SELECT value FROM json_each(?))`). */
export function loadBatched(ctx: Context, message: ImMessage, recipients: readonly string[], advanced: boolean): RecipientData {
  const conv = message.conversation;
  const certs = new Set(ctx.certificates.map((c) => c.name));
  return {
    apps: advanced ? ctx.settings.appMany(recipients) : new Map(),
    convs: advanced ? ctx.settings.conversationMany(scopeOf(conv.type), conv.id, recipients) : new Map(),
    bindings: withCertificates(ctx.bindings.many(recipients), certs),
    devices: groupBy(ctx.bindings.kickedMany(recipients), (d) => d.username),
  };
}

/** Only the bindings to certificates the server has (the lists are shared with the cache: filtered copies, never edited). */
function withCertificates(byUser: Map<string, readonly BindingRef[]>, certs: ReadonlySet<string>): Map<string, readonly BindingRef[]> {
  for (const [u, list] of byUser) {
    if (list.every((b) => certs.has(b.notifier))) continue;
    const kept = list.filter((b) => certs.has(b.notifier));
    if (kept.length) byUser.set(u, kept);
    else byUser.delete(u);
  }
  return byUser;
}

/**
 * Decides and queues pushes for `recipients` of a message already stored with sequence
 * number `seq`. Web Push rows are picked up by the delivery worker; stream pushes go out now.
 */
export function fanOut(
  ctx: Context, message: ImMessage, seq: number, recipients: readonly string[], load: typeof loadBatched = loadBatched,
): FanOutResult {
  const now = ctx.config.now();
  const prepared = prepareMessage(message);
  const policy = ctx.policy();
  const advanced = ctx.advanced();
  const certTypes = new Map(ctx.certificates.map((c) => [c.name, c.type]));
  let pushes = 0;
  let queued = 0;

  ctx.db.transaction(() => {
    // Badge semantics (SPEC 1.6): count only for users with no device online right now.
    ctx.users.bumpOfflineMany(recipients.filter((u) => u !== message.from && !ctx.im.isOnline(u)));

    const { apps, convs, bindings, devices } = load(ctx, message, recipients, advanced);
    const defaultApp = ctx.settings.app('');

    const traces: NewTrace[] = [];
    const pushed: { user: string; targets: BindingRef[] }[] = [];
    for (const u of recipients) {
      const userBindings = bindings.get(u) ?? [];
      const decision = decide({
        recipient: u,
        message: prepared,
        app: apps.get(u) ?? defaultApp,
        conversation: convs.get(u) ?? EMPTY_CONVERSATION_SETTINGS,
        devices: deviceStates(ctx, u, devices.get(u), userBindings),
        policy,
        advanced,
        now,
      });
      if (!decision.push) {
        traces.push([u, false, decision.reason, []]);
        continue;
      }
      const targets = userBindings.filter((b) => decision.devices.includes(b.device_id));
      pushed.push({ user: u, targets });
      // A stream push goes out in this same call: live if the device's stream is open now.
      traces.push([u, true, 'PUSH', targets.map((b) => ({
        device_id: b.device_id, notifier: b.notifier,
        result: certTypes.get(b.notifier) !== 'stream' ? 'queued' : ctx.streams.get(u, b.device_id) ? 'sent' : 'pending',
      }))]);
    }
    ctx.trace.addMany(seq, traces);
    if (pushed.length === 0) return;

    const info = ctx.users.pushInfo(pushed.map((p) => p.user));
    const senderNickname = ctx.users.nickname(message.from);
    const rows: NewDelivery[] = [];
    const streamRows: NewDelivery[] = [];
    for (const { user, targets } of pushed) {
      pushes++;
      const badge = info.get(user)?.offline ?? 0;
      const language = info.get(user)?.language ?? '';
      for (const b of targets) {
        if (certTypes.get(b.notifier) === 'stream') {
          // Connected: build and send now. Not connected: keep a small row, built when it reconnects.
          if (ctx.streams.get(user, b.device_id)) {
            const payload = buildPushPayload({ message, receiver: user, senderNickname, preferredLanguage: language, badge });
            deliverToStream(ctx, user, b.device_id, payload, seq, now);
          } else streamRows.push([user, b.device_id, badge, language]);
        } else {
          rows.push([user, b.device_id, badge, language]);
          queued++;
        }
      }
    }
    ctx.deliveries.enqueueMany(seq, rows, now);
    ctx.deliveries.streamPutMany(message.id, seq, streamRows, now);
  })();
  return { decisions: recipients.length, pushes, queued };
}

const NO_DEVICES: readonly DeviceState[] = Object.freeze([]);

/** A user's devices as `decide()` sees them: known resources and bound device ids, with live presence. */
function deviceStates(ctx: Context, user: string, known: readonly DeviceRow[] | undefined, bindings: readonly BindingRef[]): readonly DeviceState[] {
  const online = ctx.im.connections(user);
  // Most members of a big group: nothing bound, kicked or connected.
  if (!known && bindings.length === 0 && online.size === 0) return NO_DEVICES;
  // Next most common: bound devices, none kicked or connected (no map needed).
  if (!known && online.size === 0) {
    const list: DeviceState[] = [];
    for (const b of bindings) if (!list.some((d) => d.resource === b.device_id)) list.push({ resource: b.device_id, status: 'offline', bound: true });
    return list;
  }
  const out = new Map<string, DeviceState>();
  for (const d of known ?? []) out.set(d.resource, { resource: d.resource, status: online.has(d.resource) ? 'online' : d.kicked ? 'kicked' : 'offline', bound: false });
  for (const b of bindings) {
    const cur = out.get(b.device_id);
    out.set(b.device_id, { resource: b.device_id, status: cur?.status ?? (online.has(b.device_id) ? 'online' : 'offline'), bound: true });
  }
  for (const r of online.keys()) if (!out.has(r)) out.set(r, { resource: r, status: 'online', bound: false });
  return [...out.values()];
}
