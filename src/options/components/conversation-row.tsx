/** One muted chat of the list: name, mode, mute with time left, an inline editor and "undo". */
import { useRef, useState } from 'preact/hooks';
import { t } from '../../shared/i18n.ts';
import { sendMessage, type ConversationView } from '../../shared/protocol.ts';
import { conversationTypeLabel, displayName } from '../../ui/conversation-label.ts';
import { FieldError, NoticeLine } from '../../ui/field.tsx';
import { durationText, momentText } from '../../ui/format.ts';
import { modeLabel, type ModeChoice } from '../../ui/remind-type-radios.tsx';
import { useAction } from '../../ui/use-action.ts';
import { ModeSelect, type MuteChoice, muteMs, MuteSelect } from './conversation-controls.tsx';

/** A list item; `onChange` gets the saved view. */
export function ConversationRow(props: { view: ConversationView; now: number; onChange: (v: ConversationView) => void }) {
  const action = useAction(['remindType', 'durationMs']);
  const { conversation, settings } = props.view;
  const [editing, setEditing] = useState(false);
  const [mode, setMode] = useState<ModeChoice>(settings.type ?? 'DEFAULT');
  const [mute, setMute] = useState<MuteChoice>('keep');
  const editRef = useRef<HTMLButtonElement>(null);
  const key = `conv-${conversation.type}-${conversation.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const muted = settings.durationUntil > props.now;
  const name = displayName(props.view);
  const label = `${conversationTypeLabel(conversation.type)} ${name}`;

  const save = async (change: { remindType: ModeChoice; durationMs?: number }): Promise<void> => {
    const next = await action.run(() => sendMessage('setConversation', { conversation, ...change }), t('optionsSaved'));
    if (next) {
      setEditing(false);
      editRef.current?.focus();
      props.onChange(next);
    }
  };
  const submit = (e: Event): void => {
    e.preventDefault();
    const ms = muteMs(mute);
    void save(ms === undefined ? { remindType: mode } : { remindType: mode, durationMs: ms });
  };

  return (
    <li class="conv" data-testid="conversation-row">
      <div class="conv-main">
        <span class="tag">{conversationTypeLabel(conversation.type)}</span>
        <span class="conv-id" title={conversation.id}>{name}</span>
        {props.view.name ? <span class="conv-raw-id">{conversation.id}</span> : null}
        <span class="conv-mode" data-testid="conv-mode">
          {settings.type ? modeLabel(settings.type) : t('optionsFollowsApp')}
        </span>
        {muted ? (
          <span class="conv-muted" data-testid="conv-muted">
            {t('optionsMutedLeft', [momentText(settings.durationUntil, props.now), durationText(settings.durationUntil - props.now)])}
          </span>
        ) : null}
        {props.view.pending ? <span class="conv-pending" data-testid="conv-pending">{t('optionsPendingShort')}</span> : null}
        <span class="conv-actions">
          <button ref={editRef} type="button" aria-expanded={editing} aria-label={t('optionsEditConversation', label)} onClick={() => setEditing(!editing)}>
            {t('optionsEdit')}
          </button>
          <button type="button" class="danger" aria-disabled={action.busy} aria-label={t('optionsClearConversation', label)} onClick={() => void save({ remindType: 'DEFAULT', durationMs: 0 })}>
            {t('optionsClear')}
          </button>
        </span>
      </div>
      {editing ? (
        <form class="row conv-editor" onSubmit={submit} noValidate>
          <label for={`${key}-mode`}>{t('optionsConversationMode')}</label>
          <ModeSelect id={`${key}-mode`} type={conversation.type} value={mode} error={action.errors.remindType} onChange={setMode} />
          <label for={`${key}-mute`}>{t('optionsConversationMute')}</label>
          <MuteSelect id={`${key}-mute`} value={mute} keepLabel={t('optionsMuteKeep')} error={action.errors.durationMs} onChange={setMute} />
          <button type="submit" class="primary" aria-disabled={action.busy}>{t('optionsSave')}</button>
          <button type="button" onClick={() => setEditing(false)}>{t('optionsCancel')}</button>
          <FieldError id={`${key}-mode`} error={action.errors.remindType} />
          <FieldError id={`${key}-mute`} error={action.errors.durationMs} />
        </form>
      ) : null}
      <NoticeLine notice={action.notice} />
    </li>
  );
}
