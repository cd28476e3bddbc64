/**
 * Every muted chat in one list: those with their own mode and those only muted for a while
 * (the server's own list misses the latter), each with name, mode, mute and time left, and an
 * undo. The background gathers them from the chats it knows of (SPEC 3.3 batch reads).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { t } from '../../shared/i18n.ts';
import { sendMessage, type ConversationView } from '../../shared/protocol.ts';
import { displayName } from '../../ui/conversation-label.ts';
import { NoticeLine } from '../../ui/field.tsx';
import { useAction } from '../../ui/use-action.ts';
import { AddConversationForm } from './add-conversation-form.tsx';
import { ConversationRow } from './conversation-row.tsx';

const same = (a: ConversationView, b: ConversationView): boolean =>
  a.conversation.id === b.conversation.id && a.conversation.type === b.conversation.type;

/** Has a setting of its own now: a mode, a mute still running, or a change on its way. */
export const isListed = (v: ConversationView, now: number): boolean =>
  v.settings.type !== undefined || v.settings.durationUntil > now || v.pending === true;

const byName = (a: ConversationView, b: ConversationView): number => displayName(a).localeCompare(displayName(b));

/** The conversations section. */
export function ConversationsSection(props: { now: number; signedIn: boolean }) {
  const action = useAction([]);
  const [items, setItems] = useState<ConversationView[] | null>(null);
  const [stale, setStale] = useState(false);

  const load = useCallback(async (): Promise<void> => {
    const r = await action.run(() => sendMessage('listConversations'));
    if (!r) return;
    setItems([...r.items]);
    setStale(r.stale);
  }, [action.run]);

  useEffect(() => {
    if (props.signedIn) void load();
  }, [props.signedIn, load]);

  const changed = (v: ConversationView): void => setItems((list) => [...(list ?? []).filter((x) => !same(x, v)), v]);

  const listed = (items ?? []).filter((v) => isListed(v, props.now)).sort(byName);
  const choices = (items ?? []).filter((v) => !isListed(v, props.now)).sort(byName);
  return (
    <section class="card" aria-labelledby="conv-heading">
      <h2 id="conv-heading">{t('optionsConversationsHeading')}</h2>
      {!props.signedIn ? (
        <p class="hint">{t('optionsSignInFirst')}</p>
      ) : (
        <>
          {stale ? <p class="notice notice-error" data-testid="conversations-stale">{t('optionsConversationsStale')}</p> : null}
          {items === null ? (
            <p class="hint">{t('commonLoading')}</p>
          ) : listed.length === 0 ? (
            <p class="hint" data-testid="no-conversations">{t('optionsNoConversations')}</p>
          ) : (
            <ul class="conv-list" aria-label={t('optionsConversationsHeading')}>
              {listed.map((v) => (
                <ConversationRow key={`${v.conversation.type}:${v.conversation.id}`} view={v} now={props.now} onChange={changed} />
              ))}
            </ul>
          )}
          <div class="row">
            <button type="button" aria-disabled={action.busy} onClick={() => void load()}>{t('optionsRefresh')}</button>
          </div>
          <NoticeLine notice={action.notice} />
          <AddConversationForm choices={choices} onAdded={changed} />
        </>
      )}
    </section>
  );
}
