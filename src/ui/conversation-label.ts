/** Localised names of conversation types, and how a conversation is named on screen. */
import type { ConversationType } from '../core/index.ts';
import { t } from '../shared/i18n.ts';

const KEYS: Record<ConversationType, string> = {
  singleChat: 'commonTypeSingleChat',
  groupChat: 'commonTypeGroupChat',
  chatRoom: 'commonTypeChatRoom',
};

/** "Direct chat", "Group", "Chat room". */
export function conversationTypeLabel(type: ConversationType): string {
  return t(KEYS[type]);
}

/** The group's name or the person's nickname when known, else the id. */
export function displayName(v: { conversation: { id: string }; name?: string }): string {
  return v.name?.trim() || v.conversation.id;
}
