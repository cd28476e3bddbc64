/**
 * The push pipeline, in the four steps of the cluster design: for one message and all its
 * recipients, (1) load every recipient's settings, bindings, kicked devices and presence with one
 * batched read per concern, (2) decide with core `decide()` (pure), (3) write the message (in its
 * group's log, or an inbox row per recipient), trace, offline counts and deliveries in one
 * transaction, (4) after commit, send live frames and wake the delivery workers. Nothing is sent
 * for a transaction that rolled back.
 */
import {
  addHeldMessage, type AppSettings, type ConversationSettings, countsForSummary, decide, type DeviceState,
  EMPTY_CONVERSATION_SETTINGS, EMPTY_SUMMARY, prepareMessage, scopeOf, type SummaryCounts, summaryDueAt,
} from '../../core/index.ts';
import type { Context } from '../context.ts';
import { payloadOf } from './payload.ts';
import type { BindingRef, DeviceRow, ImMessage, NewDelivery, NewTrace } from '../store/ports.ts';

export interface FanOutResult {
  seq: number;
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
  /** Kicked devices only: online comes from presence, other unbound devices do not matter. */
  devices: Map<string, DeviceRow[]>;
  /** Resources with an IM connection (cluster-wide): these make a device online. */
  online: Map<string, ReadonlySet<string>>;
  /** Devices with an open push stream (cluster-wide). */
  streams: Map<string, ReadonlySet<string>>;
}

/** Loads everything with one batched read per concern for all recipients, the reads in parallel. */
export async function loadBatched(ctx: Context, message: ImMessage, recipients: readonly string[], advanced: boolean): Promise<RecipientData> {
  const conv = message.conversation;
  const certs = new Set(ctx.certificates.map((c) => c.name));
  const [apps, convs, bindings, kicked, online, streams] = await Promise.all([
    advanced ? ctx.settings.appMany(recipients) : new Map<string, AppSettings>(),
    advanced ? ctx.settings.conversationMany(scopeOf(conv.type), conv.id, recipients) : new Map<string, ConversationSettings>(),
    ctx.bindings.many(recipients),
    ctx.bindings.kickedMany(recipients),
    ctx.router.online('im', recipients),
    ctx.router.online('stream', recipients),
  ]);
  return { apps, convs, bindings: withCertificates(bindings, certs), devices: groupBy(kicked, (d) => d.username), online, streams };
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

export interface FanOutOptions {
  /** How recipients' data is read (the gateway decides as if everyone were offline). */
  load?: typeof loadBatched;
  /** The recipients are this group's (or room's) members: the message goes to its log, once. */
  group?: string;
}

/**
 * Stores a message for `recipients` and decides and queues its pushes, atomically. Web Push rows
 * are picked up by the delivery workers; stream pushes go out live after commit when the device's
 * stream is open, and wait for its reconnect otherwise.
 */
export async function fanOut(ctx: Context, message: ImMessage, recipients: readonly string[], opts: FanOutOptions = {}): Promise<FanOutResult> {
  const load = opts.load ?? loadBatched;
  const now = ctx.config.now();
  const prepared = prepareMessage(message);
  const [policy, advanced] = await Promise.all([ctx.policy(), ctx.advanced()]);
  const certTypes = new Map(ctx.certificates.map((c) => [c.name, c.type]));
  const data = await load(ctx, message, recipients, advanced);
  const { apps, convs, bindings, devices, online, streams } = data;
  const defaultApp = await ctx.settings.app('');

  const inbox = recipients.filter((u) => u !== message.from);
  const traces: NewTrace[] = [];
  const pushed: { user: string; targets: BindingRef[] }[] = [];
  // Held by app-level do-not-disturb with the summary on (SPEC 1.7): counted for the summary push.
  const held = new Map<string, { mentioned: boolean; due: number | null }>();
  for (const u of recipients) {
    const userBindings = bindings.get(u) ?? [];
    const app = apps.get(u) ?? defaultApp;
    const decision = decide({
      recipient: u,
      message: prepared,
      app,
      conversation: convs.get(u) ?? EMPTY_CONVERSATION_SETTINGS,
      devices: deviceStates(online.get(u), devices.get(u), userBindings),
      policy,
      advanced,
      now,
    });
    if (!decision.push) {
      traces.push([u, false, decision.reason, [], decision.via, decision.mention]);
      if (app.summary && countsForSummary(app, decision.reason)) held.set(u, { mentioned: decision.mention !== undefined, due: summaryDueAt(app, now) });
      continue;
    }
    const targets = userBindings.filter((b) => decision.devices.includes(b.device_id));
    pushed.push({ user: u, targets });
    const liveStreams = streams.get(u);
    traces.push([u, true, 'PUSH', targets.map((b) => ({
      device_id: b.device_id, notifier: b.notifier,
      result: certTypes.get(b.notifier) !== 'stream' ? 'queued' : liveStreams?.has(b.device_id) ? 'sent' : 'pending',
    })), decision.via, decision.mention]);
  }

  // Badge semantics (SPEC 1.6): count only for users with no device online right now.
  const offline = inbox.filter((u) => !online.has(u));
  // SPEC 9.1: callbacks queued with the message (none unless --callback-url).
  const jobs = ctx.messageJobs?.(message, offline, now) ?? [];
  const commit = await ctx.store.commitMessage({
    message,
    ...(opts.group !== undefined ? { inbox: [], group: opts.group } : { inbox }),
    bumpOffline: offline,
    ...(jobs.length ? { jobs } : {}),
    traces,
    pushed: pushed.map((p) => p.user),
    now,
    ...(held.size ? {
      summaryUsers: [...held.keys()],
      summarize: (current: Map<string, SummaryCounts>) => {
        const out = new Map<string, { counts: SummaryCounts; due: number | null }>();
        for (const [u, h] of held) {
          out.set(u, { counts: addHeldMessage(current.get(u) ?? EMPTY_SUMMARY, { conversation: message.conversation, ts: message.ts, mentioned: h.mentioned }), due: h.due });
        }
        return out;
      },
    } : {}),
    deliveries: (info) => {
      const webpush: NewDelivery[] = [];
      const stream: NewDelivery[] = [];
      for (const { user, targets } of pushed) {
        const i = info.get(user);
        for (const b of targets) (certTypes.get(b.notifier) === 'stream' ? stream : webpush).push([user, b.device_id, i?.offline ?? 0, i?.language ?? '']);
      }
      return { webpush, stream };
    },
  });

  // After commit: live frames. Every recipient is addressed (not only those online at load
  // time): a device that connected meanwhile may have read its backlog before this commit.
  await ctx.router.toUsers('im', inbox, { op: 'msg', msg: message });
  if (commit.stream.length) {
    const senderNickname = await ctx.users.nickname(message.from);
    for (const [user, deviceId, badge, language] of commit.stream) {
      if (!streams.get(user)?.has(deviceId)) continue;
      const payload = payloadOf(message, user, senderNickname, language, badge);
      await ctx.router.toDevice('stream', user, deviceId, { op: 'push', push: payload });
    }
  }
  if (commit.queued) ctx.wake();
  if (held.size) ctx.wakeSummaries();
  if (jobs.length) ctx.wakeJobs?.();
  return { seq: commit.seq, decisions: recipients.length, pushes: pushed.length, queued: commit.queued };
}

const NO_DEVICES: readonly DeviceState[] = Object.freeze([]);
const NO_RESOURCES: ReadonlySet<string> = new Set();

/** A user's devices as `decide()` sees them: known resources and bound device ids, with live presence. */
function deviceStates(onlineSet: ReadonlySet<string> | undefined, known: readonly DeviceRow[] | undefined, bindings: readonly BindingRef[]): readonly DeviceState[] {
  const online = onlineSet ?? NO_RESOURCES;
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
  for (const r of online) if (!out.has(r)) out.set(r, { resource: r, status: 'online', bound: false });
  return [...out.values()];
}
