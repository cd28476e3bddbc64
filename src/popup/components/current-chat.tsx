/**
 * The chat open in the current tab: one control for its mode and one for how long it is muted.
 * A direct chat is not offered "Only @mentions": direct messages count as mentions (SPEC 1.7),
 * so that mode would change nothing there.
 */
import { t } from '../../shared/i18n.ts';
import { sendMessage, type ConversationView } from '../../shared/protocol.ts';
import { MUTE_CHOICES } from '../../ui/durations.ts';
import { NoticeLine } from '../../ui/field.tsx';
import { momentText } from '../../ui/format.ts';
import { type ModeChoice, RemindTypeRadios } from '../../ui/remind-type-radios.tsx';
import { conversationTypeLabel, displayName } from '../../ui/conversation-label.ts';
import { useAction } from '../../ui/use-action.ts';

/** Mode radios (with "follow app") and mute buttons for `chat`. */
export function CurrentChat(props: { chat: ConversationView; now: number; onChat: (c: ConversationView) => void }) {
  const action = useAction(['remindType', 'durationMs']);
  const { conversation, settings } = props.chat;
  const muted = settings.durationUntil > props.now;
  const off = settings.type === 'NONE';

  const set = async (change: { remindType?: ModeChoice; durationMs?: number }): Promise<void> => {
    const next = await action.run(() => sendMessage('setConversation', { conversation, ...change }));
    if (next) props.onChat(next);
  };

  return (
    <section class="panel" aria-labelledby="chat-heading">
      <h2 id="chat-heading">{t('popupChatHeading')}</h2>
      <p class="chat-name" data-testid="chat-name">
        <span class="tag">{conversationTypeLabel(conversation.type)}</span> <span class="chat-id">{displayName(props.chat)}</span>
      </p>
      {props.chat.pending ? <p class="sync-pending" data-testid="chat-pending">{t('popupChatPending')}</p> : null}
      <RemindTypeRadios
        name="chat-mode"
        legend={t('popupChatModeLegend')}
        value={settings.type ?? 'DEFAULT'}
        withDefault
        withoutAt={conversation.type === 'singleChat'}
        onChange={(m) => void set({ remindType: m })}
      />
      {action.errors.remindType ? <p class="field-error" role="alert">{action.errors.remindType}</p> : null}
      <div class="chips" role="group" aria-labelledby="chat-mute-label">
        <span id="chat-mute-label" class="group-label">
          {muted ? t('popupChatMutedUntil', momentText(settings.durationUntil, props.now)) : off ? t('popupChatOff') : t('popupChatMuteLabel')}
        </span>
        {MUTE_CHOICES.map((c) => (
          <button key={c.key} type="button" class="chip" aria-disabled={action.busy} onClick={() => void set({ durationMs: c.ms })}>
            {t(c.key)}
          </button>
        ))}
        {off ? null : (
          <button type="button" class="chip" aria-disabled={action.busy} onClick={() => void set({ remindType: 'NONE' })}>
            {t('commonMuteForever')}
          </button>
        )}
        {muted || off ? (
          <button type="button" class="chip" aria-disabled={action.busy} onClick={() => void set(off ? { remindType: 'DEFAULT', durationMs: 0 } : { durationMs: 0 })}>
            {t('commonUnmute')}
          </button>
        ) : null}
      </div>
      {action.errors.durationMs ? <p class="field-error" role="alert">{action.errors.durationMs}</p> : null}
      <NoticeLine notice={action.notice} />
    </section>
  );
}
