/**
 * Adds settings for a chat that is not muted yet, picked from the user's groups and recent
 * chats (typing filters them); an id that is neither is refused with a sentence saying so,
 * since the server would accept it silently and the setting would apply to nothing.
 * The mode starts at "follow app setting", so adding only a mute changes nothing else.
 */
import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n.ts';
import { sendMessage, type ConversationView } from '../../shared/protocol.ts';
import { conversationTypeLabel, displayName } from '../../ui/conversation-label.ts';
import { describedBy, Field, NoticeLine } from '../../ui/field.tsx';
import type { ModeChoice } from '../../ui/remind-type-radios.tsx';
import { useAction } from '../../ui/use-action.ts';
import { ModeSelect, modesFor, type MuteChoice, muteMs, MuteSelect } from './conversation-controls.tsx';

const ID = 'conversation.id';

/** The known conversation typed or picked in the box: by name or id, ignoring case; or "Name (id)". */
export function resolveChoice(text: string, choices: readonly ConversationView[]): ConversationView | undefined {
  const q = text.trim().toLocaleLowerCase();
  if (!q) return undefined;
  return (
    choices.find((c) => optionLabel(c).toLocaleLowerCase() === q) ??
    choices.find((c) => c.conversation.id.toLocaleLowerCase() === q) ??
    choices.find((c) => c.name?.toLocaleLowerCase() === q)
  );
}

/** What the picker shows for a choice: "Team (g-123) — Group". */
export function optionLabel(c: ConversationView): string {
  const name = displayName(c);
  return name === c.conversation.id ? `${name} — ${conversationTypeLabel(c.conversation.type)}` : `${name} (${c.conversation.id}) — ${conversationTypeLabel(c.conversation.type)}`;
}

/** The add form; `choices` are the known conversations not listed yet; `onAdded` gets the saved view. */
export function AddConversationForm(props: { choices: readonly ConversationView[]; onAdded: (v: ConversationView) => void }) {
  const action = useAction([ID, 'remindType', 'durationMs']);
  const [text, setText] = useState('');
  const [mode, setMode] = useState<ModeChoice>('DEFAULT');
  const [mute, setMute] = useState<MuteChoice>('keep');
  const chosen = resolveChoice(text, props.choices);
  const type = chosen?.conversation.type ?? 'groupChat';

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!chosen) return action.invalid(ID, text.trim() === '' ? t('optionsErrorPickChat') : t('optionsErrorUnknownChat', text.trim()));
    const ms = muteMs(mute);
    if (mode === 'DEFAULT' && (ms === undefined || ms === 0)) return action.invalid('remindType', t('optionsErrorNothingToSet'));
    // "Only @mentions" is not offered for a direct chat; a stale choice falls back to following the app.
    const remindType = modesFor(chosen.conversation.type).includes(mode) ? mode : 'DEFAULT';
    const conversation = chosen.conversation;
    const args = ms === undefined ? { conversation, remindType } : { conversation, remindType, durationMs: ms };
    const next = await action.run(() => sendMessage('setConversation', args), t('optionsSaved'));
    if (next) {
      setText('');
      setMode('DEFAULT');
      setMute('keep');
      props.onAdded(next);
    }
  };

  return (
    <form class="add-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="add-conv-heading">
      <h3 id="add-conv-heading">{t('optionsAddConversation')}</h3>
      <div class="row">
        <Field id="add-id" label={t('optionsPickChat')} error={action.errors[ID]} hint={t('optionsPickChatHint')}>
          <input
            id="add-id"
            type="text"
            list="add-choices"
            autoComplete="off"
            value={text}
            onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
            {...describedBy('add-id', action.errors[ID])}
          />
          <datalist id="add-choices">
            {props.choices.map((c) => (
              <option key={`${c.conversation.type}:${c.conversation.id}`} value={optionLabel(c)} />
            ))}
          </datalist>
        </Field>
        <Field id="add-mode" label={t('optionsConversationMode')} error={action.errors.remindType}>
          <ModeSelect id="add-mode" type={type} value={mode} error={action.errors.remindType} onChange={setMode} />
        </Field>
        <Field id="add-mute" label={t('optionsConversationMute')} error={action.errors.durationMs}>
          <MuteSelect id="add-mute" value={mute} keepLabel={t('optionsMuteNone')} error={action.errors.durationMs} onChange={setMute} />
        </Field>
      </div>
      <button type="submit" class="primary" aria-disabled={action.busy}>{t('optionsAdd')}</button>
      <NoticeLine notice={action.notice} />
    </form>
  );
}
