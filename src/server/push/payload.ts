/** The push payload of a stored message (SPEC 4): a chat message's, or a summary's (its counts, with the badge of now). */
import { buildPushPayload, type PushPayload, type SummaryPayload } from '../../core/index.ts';
import type { ImMessage } from '../store/ports.ts';

/**
 * A summary push also carries `m`, the id of its stored record: the stream acks by it and the
 * extension shows a push once per id, as for messages (a field beyond SPEC 4's list, harmless to
 * readers that do not know it).
 */
export type SummaryPush = SummaryPayload & { m: string };

export function payloadOf(message: ImMessage, receiver: string, senderNickname: string, language: string, badge: number): PushPayload | SummaryPush {
  if (message.kind === 'summary') return { ...(message.body as unknown as SummaryPayload), m: message.id, t: receiver, badge };
  return buildPushPayload({ message, receiver, senderNickname, preferredLanguage: language, badge });
}
