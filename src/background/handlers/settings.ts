/**
 * Settings cache (stale-while-revalidate) and writes through the outbox. Reads render from
 * IndexedDB at once; refreshes run in the background, one at a time.
 */
import {
  appSettingsFromWire, type ConversationRef, conversationSettingsFromWire, DEFAULT_APP_SETTINGS, EMPTY_CONVERSATION_SETTINGS,
} from '../../core/index.ts';
import { conversationView, syncGroups } from './conversations.ts';
import type { ConversationView } from '../../shared/protocol.ts';
import { ProtocolError } from '../../shared/protocol.ts';
import { updateBadge } from './badge.ts';
import type { Ctx } from './context.ts';
import type { OutboxOp } from './deps.ts';
import { describe, isAuthFailure, isRetryable, toProtocolError } from './errors.ts';
import { enqueue, flush } from './outbox.ts';
import { getSession, markExpired, requireClient } from './session.ts';
import {
  applyAppOp, applyConversationOp, applyRulesOp, checkConversation, conversationOps, withPendingApp, withPendingConversation,
} from './settings-ops.ts';

export const REFRESH_ALARM = 'refresh';
/** A cache younger than this is not re-read when the popup opens. */
const FRESH_MS = 15_000;

/** Reads app settings and language from the server; pending writes stay applied on top. */
async function pull(ctx: Ctx): Promise<void> {
  const { client } = await requireClient(ctx);
  const zone = ctx.browser.timeZone();
  const [appRes, langRes] = await Promise.all([client.getSilentModeForAll(), client.getPushPerformLanguage()]);
  const app = appSettingsFromWire(appRes.data, zone, ctx.now());
  if (!app.ok) throw new ProtocolError('server_error', `the server's settings are unreadable: ${app.errors[0]?.message ?? ''}`);
  const pending = await ctx.db.outboxAll();
  await ctx.db.set('app', withPendingApp(app.value, pending));
  // "Not tonight" (SPEC 1.7) is newer than core's model: read it from the wire, and only offer
  // it when this server returns the field.
  const skip = (appRes.data as { windowSkipUntil?: unknown } | undefined)?.windowSkipUntil;
  const pendingSkip = pending.filter((e) => e.op.kind === 'skip').at(-1)?.op as { until: number } | undefined;
  if (typeof skip === 'number' && Number.isFinite(skip)) await ctx.db.set('windowSkipUntil', pendingSkip?.until ?? (skip > ctx.now() ? skip : 0));
  else await ctx.db.delete('windowSkipUntil');
  const lang = (langRes.data as { language?: unknown } | undefined)?.language;
  const pendingLang = pending.filter((e) => e.op.kind === 'language').at(-1)?.op as { language: string } | undefined;
  await ctx.db.set('language', pendingLang?.language ?? (typeof lang === 'string' ? lang : ''));
  await ctx.db.set('lastSyncedAt', ctx.now());
  const err = await ctx.db.get('syncError');
  if (err?.retryable && pending.length === 0) await ctx.db.set('syncError', { message: '', retryable: false });
}

/** Sends the outbox, then re-reads the server. Callers share the refresh in flight. */
export function refresh(ctx: Ctx): Promise<void> {
  ctx.runtime.refreshing ??= (async () => {
    try {
      await flush(ctx, pullQuietly);
      await pull(ctx);
      await refreshGroupNames(ctx);
    } catch (e) {
      if (isAuthFailure(e)) await markExpired(ctx);
      else if (isRetryable(e)) await ctx.db.set('syncError', { message: describe(e), retryable: true });
      throw toProtocolError(e);
    } finally {
      ctx.runtime.refreshing = undefined;
      await updateBadge(ctx);
    }
  })();
  return ctx.runtime.refreshing;
}

/** Group names go stale slowly: re-read the user's groups at most hourly (best effort). */
const GROUPS_EVERY_MS = 60 * 60_000;

async function refreshGroupNames(ctx: Ctx): Promise<void> {
  const last = (await ctx.db.get('groupsSyncedAt')) ?? 0;
  if (ctx.now() - last < GROUPS_EVERY_MS) return;
  await syncGroups(ctx).catch(() => undefined);
}

async function pullQuietly(ctx: Ctx): Promise<void> {
  try {
    await pull(ctx);
  } catch {
    // The next refresh tries again; the outbox result already says what failed.
  }
}

/** Starts a background refresh when the cache is stale (never throws). */
export async function revalidate(ctx: Ctx, force = false): Promise<void> {
  try {
    const session = await getSession(ctx);
    if (!session || session.expired) return;
    const last = (await ctx.db.get('lastSyncedAt')) ?? 0;
    if (!force && ctx.now() - last < FRESH_MS && !ctx.runtime.refreshing) return;
  } catch {
    // Callers start it without waiting (`void revalidate`): a failed read (storage closing with
    // the worker, say) must not become an unhandled rejection. The next read or alarm tries again.
    return;
  }
  refresh(ctx).catch(() => undefined);
}

/** Sends the outbox now (used by writes and the retry alarm); never throws. */
export async function sendPending(ctx: Ctx): Promise<void> {
  try {
    await flush(ctx, pullQuietly);
  } catch {
    // Failures are recorded in syncError by the outbox.
  }
  await updateBadge(ctx);
}

/** Applies app-level ops to the cache, queues them, and tries to send. */
export async function writeApp(ctx: Ctx, op: Extract<OutboxOp, { kind: 'app' }>): Promise<void> {
  await requireSignedIn(ctx);
  const app = (await ctx.db.get('app')) ?? { ...DEFAULT_APP_SETTINGS };
  await ctx.db.set('app', applyAppOp(app, op.options, ctx.now()));
  await enqueue(ctx, op);
  await updateBadge(ctx);
  await sendPending(ctx);
}

/** Applies SPEC 1.7 rules to the cache, queues them, and tries to send. */
export async function writeRules(ctx: Ctx, op: Extract<OutboxOp, { kind: 'rules' }>): Promise<void> {
  await requireSignedIn(ctx);
  const app = (await ctx.db.get('app')) ?? { ...DEFAULT_APP_SETTINGS };
  await ctx.db.set('app', applyRulesOp(app, op.rules));
  await enqueue(ctx, op);
  await updateBadge(ctx);
  await sendPending(ctx);
}

/** Queues a push language change. */
export async function writeLanguage(ctx: Ctx, op: Extract<OutboxOp, { kind: 'language' }>): Promise<void> {
  await requireSignedIn(ctx);
  await ctx.db.set('language', op.language);
  await enqueue(ctx, op);
  await sendPending(ctx);
}

/** Applies a conversation change to the cache, queues it, tries to send; returns the view. */
export async function writeConversation(ctx: Ctx, args: unknown): Promise<ConversationView> {
  const { conversation, ops } = conversationOps(args);
  await requireSignedIn(ctx);
  const cached = await ctx.db.getConversation(conversation);
  let settings = cached?.settings ?? EMPTY_CONVERSATION_SETTINGS;
  for (const op of ops) {
    if (op.kind === 'conversation') settings = applyConversationOp(settings, op, ctx.now());
    await enqueue(ctx, op);
  }
  await ctx.db.putConversation({ ...cached, conversation, settings, seenAt: ctx.now() });
  await sendPending(ctx);
  return conversationView(ctx, conversation);
}

/** Queues "not tonight" (skip the daily window until `until`; 0 clears). */
export async function writeSkip(ctx: Ctx, until: number): Promise<void> {
  await requireSignedIn(ctx);
  if ((await ctx.db.get('windowSkipUntil')) === undefined)
    throw new ProtocolError('invalid_argument', 'this server cannot skip quiet hours once; update the server', 'until');
  await ctx.db.set('windowSkipUntil', until);
  await enqueue(ctx, { kind: 'skip', until });
  await updateBadge(ctx);
  await sendPending(ctx);
}

async function requireSignedIn(ctx: Ctx): Promise<void> {
  if (!(await getSession(ctx))) throw new ProtocolError('signed_out', 'not signed in: sign in on the options page');
}

/** Re-reads one conversation from the server into the cache. */
export async function pullConversation(ctx: Ctx, conversation: ConversationRef): Promise<ConversationView> {
  const { client } = await requireClient(ctx);
  const res = await client.getSilentModeForConversation({ conversationId: conversation.id, type: conversation.type });
  const parsed = conversationSettingsFromWire(res.data ?? {}, ctx.now());
  if (!parsed.ok) throw new ProtocolError('server_error', `the server's conversation settings are unreadable: ${parsed.errors[0]?.message ?? ''}`);
  const settings = withPendingConversation(conversation, parsed.value, await ctx.db.outboxAll());
  const cached = await ctx.db.getConversation(conversation);
  await ctx.db.putConversation({ ...cached, conversation, settings, seenAt: cached?.seenAt ?? ctx.now() });
  return conversationView(ctx, conversation, settings);
}

/** One conversation: from the cache at once (refreshed behind), else from the server. */
export async function getConversation(ctx: Ctx, args: unknown): Promise<ConversationView> {
  const conversation = checkConversation((args as { conversation?: unknown } | undefined)?.conversation);
  const cached = await ctx.db.getConversation(conversation);
  if (cached) {
    pullConversation(ctx, conversation).catch(() => undefined);
    return conversationView(ctx, conversation);
  }
  try {
    return await pullConversation(ctx, conversation);
  } catch (e) {
    const err = toProtocolError(e);
    if (err.code === 'unreachable' || err.code === 'signed_out' || err.code === 'session_expired')
      return { conversation, settings: EMPTY_CONVERSATION_SETTINGS };
    throw err;
  }
}

/** The cached push language (the options page holds the list to choose from, with native names). */
export async function getLanguage(ctx: Ctx): Promise<{ language: string }> {
  void revalidate(ctx);
  return { language: (await ctx.db.get('language')) ?? '' };
}
