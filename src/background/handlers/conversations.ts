/**
 * The conversations the extension knows of, with names and settings. The server lists only
 * conversations with a remind type (`mute/type`), so a chat muted for a while without a mode
 * would be missing; and it reads settings for at most 20 given ids. So the background keeps the
 * set it knows of in IndexedDB — recent chats (from pushes), the user's groups and rooms (from
 * `joined_chatgroups`, which also gives their names), and chats changed here — adds those the
 * server lists, and reads their settings in batches of 20.
 */
import {
  type ConversationRef, type ConversationSettings, conversationSettingsFromWire, EMPTY_CONVERSATION_SETTINGS,
} from '../../core/index.ts';
import type { ConversationsView, ConversationView } from '../../shared/protocol.ts';
import type { Ctx } from './context.ts';
import type { CachedConversation } from './deps.ts';
import { isAuthFailure, isRetryable, toProtocolError } from './errors.ts';
import { markExpired, requireClient } from './session.ts';
import { withPendingConversation } from './settings-ops.ts';

/** Conversations per batch read (the server's limit, SPEC 3.3). */
export const BATCH = 20;
/** Pages of the server's remind-type list read at most (100 each). */
const MAX_PAGES = 10;

const keyOf = (c: ConversationRef) => `${c.type}/${c.id}`;

/** Recent direct chats kept (beyond these the oldest without settings of their own are forgotten). */
export const MAX_RECENT_CHATS = 200;

/** Adds (or refreshes) a known conversation; keeps its settings, updates name and recency. */
export async function rememberConversation(ctx: Ctx, conversation: ConversationRef, name?: string): Promise<void> {
  const old = await ctx.db.getConversation(conversation);
  const keepName = name?.trim() ? name.trim() : old?.name;
  await ctx.db.putConversation({
    conversation,
    settings: old?.settings ?? EMPTY_CONVERSATION_SETTINGS,
    seenAt: ctx.now(),
    ...(keepName ? { name: keepName } : {}),
  });
  if (!old) await forgetOldChats(ctx);
}

/** Keeps the known set bounded: forgets the oldest direct chats that have nothing set. */
async function forgetOldChats(ctx: Ctx): Promise<void> {
  const now = ctx.now();
  const plain = (await ctx.db.allConversations())
    .filter((c) => c.conversation.type === 'singleChat' && c.settings.type === undefined && c.settings.durationUntil <= now)
    .sort((a, b) => b.seenAt - a.seenAt);
  if (plain.length <= MAX_RECENT_CHATS) return;
  const pending = await pendingConversationKeys(ctx);
  for (const c of plain.slice(MAX_RECENT_CHATS)) if (!pending.has(keyOf(c.conversation))) await ctx.db.deleteConversation(c.conversation);
}

interface JoinedGroup {
  readonly groupid?: unknown;
  readonly groupname?: unknown;
  readonly type?: unknown;
}

/** Reads the user's groups and rooms with their names into the known set. */
export async function syncGroups(ctx: Ctx): Promise<void> {
  const { client, session } = await requireClient(ctx);
  const res = await client.request<JoinedGroup[]>({ method: 'GET', path: `/users/${encodeURIComponent(session.username)}/joined_chatgroups`, idempotent: true });
  for (const g of Array.isArray(res.data) ? res.data : []) {
    if (typeof g.groupid !== 'string' || g.groupid === '') continue;
    const conversation: ConversationRef = { id: g.groupid, type: g.type === 'chatroom' ? 'chatRoom' : 'groupChat' };
    const old = await ctx.db.getConversation(conversation);
    const name = typeof g.groupname === 'string' && g.groupname.trim() ? g.groupname.trim() : old?.name;
    await ctx.db.putConversation({ conversation, settings: old?.settings ?? EMPTY_CONVERSATION_SETTINGS, seenAt: old?.seenAt ?? 0, ...(name ? { name } : {}) });
  }
  await ctx.db.set('groupsSyncedAt', ctx.now());
}

/** Adds every conversation the server lists with a remind type. */
async function syncRemindTypeList(ctx: Ctx, known: Map<string, CachedConversation>): Promise<void> {
  const { client } = await requireClient(ctx);
  let cursor = '';
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await client.getSilentModeRemindTypeConversations({ pageSize: 100, ...(cursor ? { cursor } : {}) });
    const data = res.data as { conversations: Array<{ user?: string; group?: string }>; cursor: string };
    for (const row of data.conversations ?? []) {
      const id = row.user ?? row.group;
      if (!id) continue;
      // A "group" id may be a room we know as such.
      const asRoom: ConversationRef = { id, type: 'chatRoom' };
      const ref: ConversationRef = row.user ? { id, type: 'singleChat' } : known.has(keyOf(asRoom)) ? asRoom : { id, type: 'groupChat' };
      if (!known.has(keyOf(ref))) known.set(keyOf(ref), { conversation: ref, settings: EMPTY_CONVERSATION_SETTINGS, seenAt: 0 });
    }
    cursor = data.cursor ?? '';
    if (!cursor) return;
  }
}

type Scoped = Record<string, unknown>;

/** Reads the settings of `refs` (≤ 20) in one request; conversations left out inherit everything. */
async function readBatch(ctx: Ctx, refs: readonly ConversationRef[]): Promise<Map<string, ConversationSettings>> {
  const { client } = await requireClient(ctx);
  const res = await client.getSilentModeForConversations({ conversationList: refs.map((c) => ({ id: c.id, type: c.type })) });
  const data = (res.data ?? {}) as { user?: Scoped; group?: Scoped };
  const out = new Map<string, ConversationSettings>();
  for (const c of refs) {
    const raw = (c.type === 'singleChat' ? data.user : data.group)?.[c.id];
    const parsed = raw === undefined ? undefined : conversationSettingsFromWire(raw, ctx.now());
    out.set(keyOf(c), parsed?.ok ? parsed.value : EMPTY_CONVERSATION_SETTINGS);
  }
  return out;
}

function view(c: CachedConversation, pendingKeys: ReadonlySet<string>): ConversationView {
  return {
    conversation: c.conversation,
    settings: c.settings,
    ...(c.name ? { name: c.name } : {}),
    ...(pendingKeys.has(keyOf(c.conversation)) ? { pending: true } : {}),
  };
}

/** The conversation keys that have a change waiting in the outbox. */
export async function pendingConversationKeys(ctx: Ctx): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const e of await ctx.db.outboxAll()) if (e.op.kind === 'conversation') keys.add(keyOf(e.op.conversation));
  return keys;
}

/**
 * Every known conversation with fresh settings. When the server cannot be reached the cached
 * settings are returned with `stale: true` (the list still shows what is known).
 */
export async function listConversations(ctx: Ctx): Promise<ConversationsView> {
  let stale = false;
  try {
    await syncGroups(ctx).catch((e: unknown) => {
      // An older server without the groups route must not hide the rest of the list.
      if (isAuthFailure(e) || isRetryable(e)) throw e;
    });
    const known = new Map((await ctx.db.allConversations()).map((c) => [keyOf(c.conversation), c]));
    await syncRemindTypeList(ctx, known);
    const all = [...known.values()];
    const pending = await ctx.db.outboxAll();
    for (let i = 0; i < all.length; i += BATCH) {
      const chunk = all.slice(i, i + BATCH);
      const fresh = await readBatch(ctx, chunk.map((c) => c.conversation));
      for (const c of chunk) {
        const settings = withPendingConversation(c.conversation, fresh.get(keyOf(c.conversation)) ?? EMPTY_CONVERSATION_SETTINGS, pending);
        await ctx.db.putConversation({ ...c, settings });
      }
    }
  } catch (e) {
    if (isAuthFailure(e)) await markExpired(ctx);
    const err = toProtocolError(e);
    if (err.code !== 'unreachable' && err.code !== 'server_error') throw err;
    stale = true;
  }
  const keys = await pendingConversationKeys(ctx);
  const items = (await ctx.db.allConversations()).map((c) => view(c, keys));
  return { items, stale };
}

/** One cached conversation as a view (name and pending flag included). */
export async function conversationView(ctx: Ctx, conversation: ConversationRef, settings?: ConversationSettings): Promise<ConversationView> {
  const cached = await ctx.db.getConversation(conversation);
  const keys = await pendingConversationKeys(ctx);
  return view({ conversation, settings: settings ?? cached?.settings ?? EMPTY_CONVERSATION_SETTINGS, seenAt: 0, ...(cached?.name ? { name: cached.name } : {}) }, keys);
}
