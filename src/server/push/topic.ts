/** The Web Push `Topic` header for a conversation: a newer push replaces an undelivered older one. */
import { hash } from 'node:crypto';
import type { ConversationRef } from '../../core/index.ts';

/** 32 base64url characters (the most RFC 8030 allows), stable per conversation. */
export function topicFor(c: ConversationRef): string {
  // One-shot, as tokenHash: this runs for every push.
  return hash('sha256', `${c.type}:${c.id}`, 'base64url').slice(0, 32);
}
