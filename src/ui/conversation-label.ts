/** Localised names of conversation types. */
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
