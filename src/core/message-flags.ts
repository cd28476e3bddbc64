/** What a message's `ext` says about pushing it (SPEC 1.2, 1.4). */
import { keywordText } from './keywords.ts';
import type { ConversationRef, MessageForPush } from './model.ts';

/** `true` or `"YES"` (any case) switch a flag on. */
export function isFlagOn(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toUpperCase() === 'YES');
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Reads a push text field (`em_push_title`, `em_push_content`) from `ext`, falling back to `ext.em_apns_ext`. */
export function extField(ext: Readonly<Record<string, unknown>> | undefined, key: string): unknown {
  if (!ext) return undefined;
  if (ext[key] !== undefined) return ext[key];
  return record(ext.em_apns_ext)?.[key];
}

/** A message reduced once to what the decision needs for every recipient. */
export interface PreparedMessage {
  readonly id: string;
  readonly from: string;
  readonly conversation: ConversationRef;
  readonly silent: boolean;
  readonly forced: boolean;
  readonly mentionAll: boolean;
  /** Mentioned usernames, lower-cased. */
  readonly mentioned: ReadonlySet<string>;
  /** `body.msg` of a `txt` message in `keywordText` form (NFC, lower case), for keywords; absent otherwise. */
  readonly textLower?: string | undefined;
}

function collectMentions(list: unknown, into: Set<string>): boolean {
  if (typeof list === 'string') return list.toLowerCase() === 'all';
  if (Array.isArray(list)) for (const u of list) if (typeof u === 'string') into.add(u.toLowerCase());
  return false;
}

/** Reads flags and mentions once per message, so a 10,000-member group costs one parse. */
export function prepareMessage(
  m: Pick<MessageForPush, 'id' | 'from' | 'conversation' | 'ext'> & Partial<Pick<MessageForPush, 'type' | 'body'>>,
): PreparedMessage {
  const ext = m.ext;
  const mentioned = new Set<string>();
  let mentionAll = collectMentions(ext?.em_at_list, mentioned);
  const apns = record(ext?.em_apns_ext);
  if (apns) mentionAll = collectMentions(apns.em_at_list, mentioned) || mentionAll;
  // Keywords read the original text only, never its translations (SPEC 1.7).
  const msg = m.type === 'txt' ? m.body?.msg : undefined;
  return {
    id: m.id,
    from: m.from,
    conversation: m.conversation,
    // SPEC 1.4: the flags count at the top level only; em_apns_ext carries title, text and mentions.
    silent: isFlagOn(ext?.em_ignore_notification),
    forced: isFlagOn(ext?.em_force_notification),
    mentionAll,
    mentioned,
    // Always present (not spread in), so every prepared message has one shape: decide() reads
    // it once per recipient.
    textLower: typeof msg === 'string' && msg !== '' ? keywordText(msg) : undefined,
  };
}

/** Does the message mention `user` (by name, any case, or through "all")? */
export function mentions(m: PreparedMessage, user: string): boolean {
  return m.mentionAll || m.mentioned.has(user.toLowerCase());
}
