/**
 * Recent activity (SPEC 5): the server's push trace with the names this browser knows, "Would
 * this notify me?" through the check endpoint, and the people who pushed lately (suggestions
 * for priority people).
 */
import { CONVERSATION_TYPES, type ConversationRef, MENTION_KINDS, REASON_CODES } from '../../core/index.ts';
import type { ActivityItem, CheckView, RecentSenderView } from '../../shared/protocol.ts';
import { ProtocolError } from '../../shared/protocol.ts';
import type { Ctx } from './context.ts';
import type { RecentSender } from './deps.ts';
import { isAuthFailure, toProtocolError } from './errors.ts';
import { markExpired, requireClient } from './session.ts';
import { checkConversation } from './settings-ops.ts';

/** Recent senders kept. */
export const MAX_RECENT_SENDERS = 50;
const DEFAULT_LIMIT = 30;

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const keyOf = (c: ConversationRef) => `${c.type}/${c.id}`;

/** Records who sent a push (latest first, one entry per person). */
export async function rememberSender(ctx: Ctx, username: string, name?: string): Promise<void> {
  const user = username.toLowerCase();
  const old = (await ctx.db.get('recentSenders')) ?? [];
  const prev = old.find((s) => s.username === user);
  const keepName = name?.trim() || prev?.name;
  const entry: RecentSender = { username: user, at: ctx.now(), ...(keepName ? { name: keepName } : {}) };
  await ctx.db.set('recentSenders', [entry, ...old.filter((s) => s.username !== user)].slice(0, MAX_RECENT_SENDERS));
}

/** Recent senders, with direct chats known from pushes added after them (older data). */
export async function recentSenders(ctx: Ctx): Promise<RecentSenderView[]> {
  const session = (await requireClient(ctx).catch(() => undefined))?.session;
  const me = session?.username.toLowerCase();
  const out = new Map<string, RecentSenderView>();
  for (const s of (await ctx.db.get('recentSenders')) ?? []) out.set(s.username, s.name ? { username: s.username, name: s.name } : { username: s.username });
  const chats = (await ctx.db.allConversations()).filter((c) => c.conversation.type === 'singleChat' && c.seenAt > 0).sort((a, b) => b.seenAt - a.seenAt);
  for (const c of chats) {
    const u = c.conversation.id.toLowerCase();
    if (!out.has(u)) out.set(u, c.name ? { username: u, name: c.name } : { username: u });
  }
  if (me) out.delete(me);
  return [...out.values()];
}

/** One trace row from the server, checked field by field; null when unreadable. */
function readTraceRow(v: unknown): Omit<ActivityItem, 'chatName'> | null {
  if (!isRec(v) || typeof v.messageId !== 'string' || typeof v.ts !== 'number' || typeof v.push !== 'boolean') return null;
  if (!(REASON_CODES as readonly unknown[]).includes(v.reason)) return null;
  const c = isRec(v.conversation) ? v.conversation : undefined;
  const conversation = c && typeof c.id === 'string' && (CONVERSATION_TYPES as readonly unknown[]).includes(c.type) ? { id: c.id, type: c.type as ConversationRef['type'] } : undefined;
  const s = isRec(v.summary) ? v.summary : undefined;
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? Math.floor(x) : 0);
  return {
    id: v.messageId,
    ts: v.ts,
    push: v.push,
    reason: v.reason as ActivityItem['reason'],
    ...(v.via === 'FORCED' || v.via === 'PRIORITY_SENDER' ? { via: v.via } : {}),
    ...((MENTION_KINDS as readonly unknown[]).includes(v.mention) ? { mention: v.mention as ActivityItem['mention'] } : {}),
    ...(conversation && v.reason !== 'SUMMARY' ? { conversation } : {}),
    ...(typeof v.from === 'string' && v.from ? { from: v.from } : {}),
    ...(s ? { summary: { count: n(s.count), mentions: n(s.mentions), conversations: n(s.conversations) } } : {}),
  };
}

/** The last decisions (latest first) with chat names from the cache. */
export async function getActivity(ctx: Ctx, data: unknown): Promise<{ items: ActivityItem[] }> {
  const limit = isRec(data) && data.limit !== undefined ? data.limit : DEFAULT_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new ProtocolError('invalid_argument', `limit ${JSON.stringify(limit)}: an integer from 1 to 100`, 'limit');
  const { client } = await requireClient(ctx);
  let rows: unknown;
  try {
    rows = (await client.getPushTrace({ limit })).data;
  } catch (e) {
    if (isAuthFailure(e)) await markExpired(ctx);
    throw toProtocolError(e);
  }
  const names = new Map((await ctx.db.allConversations()).flatMap((c) => (c.name ? [[keyOf(c.conversation), c.name] as const] : [])));
  const items = (Array.isArray(rows) ? rows : []).flatMap((r) => {
    const item = readTraceRow(r);
    if (!item) return [];
    const name = item.conversation ? names.get(keyOf(item.conversation)) : undefined;
    return [name ? { ...item, chatName: name } : item];
  });
  items.sort((a, b) => b.ts - a.ts);
  return { items };
}

/** "Would this notify me?": the server's check (SPEC 3.8), validated by the client first. */
export async function checkPush(ctx: Ctx, data: unknown): Promise<CheckView> {
  if (!isRec(data)) throw new ProtocolError('invalid_argument', 'arguments are missing: {conversation, from?, text?, mentioned?}', 'conversation');
  const conversation = checkConversation(data.conversation);
  const body: Rec = { conversation };
  if (data.from !== undefined && data.from !== '') body.from = data.from;
  if (data.text !== undefined && data.text !== '') body.text = data.text;
  if (data.mentioned !== undefined) body.mentioned = data.mentioned;
  const { client } = await requireClient(ctx);
  let res: unknown;
  try {
    res = (await client.checkPush(body)).data;
  } catch (e) {
    if (isAuthFailure(e)) await markExpired(ctx);
    throw toProtocolError(e);
  }
  if (!isRec(res) || typeof res.push !== 'boolean' || !(REASON_CODES as readonly unknown[]).includes(res.reason))
    throw new ProtocolError('server_error', 'the server\'s answer to the check is unreadable');
  return {
    push: res.push,
    reason: res.reason as CheckView['reason'],
    ...(res.via === 'FORCED' || res.via === 'PRIORITY_SENDER' ? { via: res.via } : {}),
    ...((MENTION_KINDS as readonly unknown[]).includes(res.mention) ? { mention: res.mention as CheckView['mention'] } : {}),
    ...(typeof res.quietUntil === 'number' ? { quietUntil: res.quietUntil } : {}),
  };
}
