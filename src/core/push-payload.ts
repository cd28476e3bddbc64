/** The push a device receives (SPEC 4): title, text, translation, badge. */
import { findLanguage } from './language.ts';
import { extField } from './message-flags.ts';
import type { ConversationRef, MessageForPush, MessageType } from './model.ts';

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

/** Longest push body, in characters; Web Push allows 4 KB encrypted, so texts are cut. */
export const MAX_BODY_CHARS = 1000;
/** Largest serialised payload we send (Web Push's record limit is 4096 bytes with overhead). */
export const MAX_PAYLOAD_BYTES = 3800;

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The text a message shows in a push, in the recipient's language when a translation matches. */
export function pushText(
  m: Pick<MessageForPush, 'type' | 'body' | 'ext' | 'translations'>,
  preferredLanguage: string,
): { body: string; language?: string } {
  const custom = extField(m.ext, 'em_push_content');
  if (typeof custom === 'string' && custom !== '') return { body: custom };
  const original = m.type === 'txt' && typeof m.body.msg === 'string' ? m.body.msg : PLACEHOLDER[m.type];
  if (preferredLanguage !== '' && m.translations) {
    const wanted = findLanguage(preferredLanguage)?.code.toLowerCase() ?? preferredLanguage.toLowerCase();
    const match = m.translations.find((t) => t.language.toLowerCase() === wanted);
    if (match) return { body: match.text, language: findLanguage(match.language)?.code ?? match.language };
  }
  return { body: original };
}

/** The push title: `em_push_title` if set, else the sender's nickname (or name). */
export function pushTitle(m: Pick<MessageForPush, 'ext'>, senderNickname: string): string {
  const custom = extField(m.ext, 'em_push_title');
  return typeof custom === 'string' && custom !== '' ? custom : senderNickname;
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
    title: truncate(pushTitle(m, args.senderNickname), 100),
    body: truncate(text.body, MAX_BODY_CHARS),
    badge: args.badge,
    ...(text.language ? { language: text.language } : {}),
    ts: m.ts,
    ...(customExt(m.ext) ? { e: customExt(m.ext) } : {}),
  };
  if (payloadBytes(payload) > MAX_PAYLOAD_BYTES && payload.e) {
    const { e: _dropped, ...rest } = payload;
    payload = rest;
  }
  let max = MAX_BODY_CHARS;
  while (payloadBytes(payload) > MAX_PAYLOAD_BYTES && max > 20) {
    max = Math.floor(max / 2);
    payload = { ...payload, body: truncate(payload.body, max) };
  }
  return payload;
}

export function payloadBytes(p: PushPayload): number {
  return encoder.encode(JSON.stringify(p)).length;
}
