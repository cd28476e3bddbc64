/** Adds settings for a conversation that is not in the list yet (type + id). */
import { useState } from 'preact/hooks';
import { CONVERSATION_TYPES, type ConversationType, sdkRequests } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import { sendMessage, type ConversationView } from '../../shared/protocol.ts';
import { conversationTypeLabel } from '../../ui/conversation-label.ts';
import { describedBy, Field, NoticeLine } from '../../ui/field.tsx';
import type { ModeChoice } from '../../ui/remind-type-radios.tsx';
import { useAction } from '../../ui/use-action.ts';
import { ModeSelect, type MuteChoice, muteMs, MuteSelect } from './conversation-controls.tsx';

const ID = 'conversation.id';
const TYPE = 'conversation.type';

/** The add form; `onAdded` gets the saved view. */
export function AddConversationForm(props: { onAdded: (v: ConversationView) => void }) {
  const action = useAction([ID, TYPE, 'remindType', 'durationMs']);
  const [type, setType] = useState<ConversationType>('groupChat');
  const [id, setId] = useState('');
  const [mode, setMode] = useState<ModeChoice>('NONE');
  const [mute, setMute] = useState<MuteChoice>('keep');

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    // Core's own SDK argument check decides what a conversation id may be.
    const check = sdkRequests.getSilentModeForConversation('me', { conversationId: id.trim(), type });
    if (!check.ok) return action.invalid(ID, t('optionsErrorConversationId'));
    const ms = muteMs(mute);
    if (mode === 'DEFAULT' && ms === undefined) return action.invalid('remindType', t('optionsErrorNothingToSet'));
    const conversation = { id: id.trim(), type };
    const args = ms === undefined ? { conversation, remindType: mode } : { conversation, remindType: mode, durationMs: ms };
    const next = await action.run(() => sendMessage('setConversation', args), t('optionsSaved'));
    if (next) {
      setId('');
      props.onAdded(next);
    }
  };

  return (
    <form class="add-form" onSubmit={submit} noValidate aria-labelledby="add-conv-heading">
      <h3 id="add-conv-heading">{t('optionsAddConversation')}</h3>
      <div class="row">
        <Field id="add-type" label={t('optionsConversationType')} error={action.errors[TYPE]}>
          <select id="add-type" value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value as ConversationType)} {...describedBy('add-type', action.errors[TYPE])}>
            {CONVERSATION_TYPES.map((c) => (
              <option key={c} value={c}>{conversationTypeLabel(c)}</option>
            ))}
          </select>
        </Field>
        <Field id="add-id" label={t('optionsConversationId')} error={action.errors[ID]}>
          <input id="add-id" type="text" value={id} onInput={(e) => setId((e.currentTarget as HTMLInputElement).value)} {...describedBy('add-id', action.errors[ID])} />
        </Field>
        <Field id="add-mode" label={t('optionsConversationMode')} error={action.errors.remindType}>
          <ModeSelect id="add-mode" value={mode} error={action.errors.remindType} onChange={setMode} />
        </Field>
        <Field id="add-mute" label={t('optionsConversationMute')} error={action.errors.durationMs}>
          <MuteSelect id="add-mute" value={mute} keepLabel={t('optionsMuteNone')} error={action.errors.durationMs} onChange={setMute} />
        </Field>
      </div>
      <button type="submit" class="primary" disabled={action.busy}>{t('optionsAdd')}</button>
      <NoticeLine notice={action.notice} />
    </form>
  );
}
