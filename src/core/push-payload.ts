/** The push a device receives (SPEC 4): title, text, translation, badge. */
import { findLanguage } from './language.ts';
import { extField } from './message-flags.ts';
import type { ConversationRef, MessageForPush, MessageType } from './model.ts';
import { cutText } from './text.ts';

export interface PushPayload {
  readonly v: 1;
  /** A message push; summaries (summary.ts) carry `kind: "summary"`. */
  readonly kind: 'message';
  /** Message id. */
  readonly m: string;
  /** Receiver. */
  readonly t: string;
  /** Sender. */
  readonly f: string;
  /** Group or room id, for group and room messages. */
  readonly g?: string;
  readonly conversation: ConversationRef;
  readonly title: string;
  readonly body: string;
  readonly badge: number;
  /** The language of `body` when a translation was used. */
  readonly language?: string;
  readonly ts: number;
  /** The message's custom `ext` fields (those not starting with `em_`). */
  readonly e?: Readonly<Record<string, unknown>>;
}

const PLACEHOLDER: Record<MessageType, string> = {
  txt: '',
  img: '[Image]',
  audio: '[Voice]',
  video: '[Video]',
  file: '[File]',
  loc: '[Location]',
  custom: '[Message]',
};

/** Longest push body, in characters (graphemes); Web Push allows 4 KB encrypted, so texts are cut. */
export const MAX_BODY_CHARS = 1000;
/** Longest push title, in characters (graphemes). */
export const MAX_TITLE_CHARS = 100;
/** Most bytes a title may take, so a title of long grapheme clusters cannot crowd out the text. */
const MAX_TITLE_BYTES = 512;
/**
 * Largest serialised payload we send: Web Push's 4096-byte record less RFC 8291's header
 * (86 bytes), tag (16) and padding delimiter (1) leaves 3993; we keep a margin.
 */
export const MAX_PAYLOAD_BYTES = 3800;

/** Blank replacement text (a translation, em_push_content) does not replace anything. */
const hasText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** The text a message shows in a push, in the recipient's language when a translation matches. */
export function pushText(
  m: Pick<MessageForPush, 'type' | 'body' | 'ext' | 'translations'>,
  preferredLanguage: string,
): { body: string; language?: string } {
  const custom = extField(m.ext, 'em_push_content');
  if (hasText(custom)) return { body: custom };
  const original = m.type === 'txt' && typeof m.body.msg === 'string' ? m.body.msg : PLACEHOLDER[m.type];
  if (preferredLanguage !== '' && m.translations) {
    const wanted = findLanguage(preferredLanguage)?.code.toLowerCase() ?? preferredLanguage.toLowerCase();
    const match = m.translations.find((t) => t.language.toLowerCase() === wanted && hasText(t.text));
    if (match) return { body: match.text, language: findLanguage(match.language)?.code ?? match.language };
  }
  return { body: original };
}

/** The push title: `em_push_title` if set, else the sender's nickname (or name). */
export function pushTitle(m: Pick<MessageForPush, 'ext'>, senderNickname: string): string {
  const custom = extField(m.ext, 'em_push_title');
  return hasText(custom) ? custom : senderNickname;
}

function customExt(ext: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (!ext) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ext)) if (!k.startsWith('em_')) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

const encoder = new TextEncoder();

/** Builds the payload for one recipient; oversized custom data is dropped, then the body is cut. */
export function buildPushPayload(args: {
  message: MessageForPush;
  receiver: string;
  senderNickname: string;
  preferredLanguage: string;
  badge: number;
}): PushPayload {
  const { message: m, receiver } = args;
  const text = pushText(m, args.preferredLanguage);
  let payload: PushPayload = {
    v: 1,
    kind: 'message',
    m: m.id,
    t: receiver,
    f: m.from,
    ...(m.conversation.type !== 'singleChat' ? { g: m.conversation.id } : {}),
    conversation: m.conversation,
    title: cutText(pushTitle(m, args.senderNickname), MAX_TITLE_CHARS, MAX_TITLE_BYTES),
    body: cutText(text.body, MAX_BODY_CHARS),
    badge: args.badge,
    ...(text.language ? { language: text.language } : {}),
    ts: m.ts,
    ...(customExt(m.ext) ? { e: customExt(m.ext) } : {}),
  };
  if (payloadBytes(payload) > MAX_PAYLOAD_BYTES && payload.e) {
    const { e: _dropped, ...rest } = payload;
    payload = rest;
  }
  if (payloadBytes(payload) > MAX_PAYLOAD_BYTES) {
    // The text gets the bytes the rest leaves, cut once on a grapheme boundary.
    const room = MAX_PAYLOAD_BYTES - payloadBytes({ ...payload, body: '' });
    payload = { ...payload, body: cutText(payload.body, MAX_BODY_CHARS, Math.max(0, room)) };
  }
  return payload;
}

export function payloadBytes(p: PushPayload): number {
  return encoder.encode(JSON.stringify(p)).length;
}
