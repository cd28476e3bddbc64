/** The Web Push `Topic` header for a conversation: a newer push replaces an undelivered older one. */
import { createHash } from 'node:crypto';
import type { ConversationRef } from '../../core/index.ts';

/** 32 base64url characters (the most RFC 8030 allows), stable per conversation. */
export function topicFor(c: ConversationRef): string {
  return createHash('sha256').update(`${c.type}:${c.id}`).digest('base64url').slice(0, 32);
}
