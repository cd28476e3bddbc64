/** Per-conversation settings: a paged list (10 a page, server cursor), edit, clear, add. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { t } from '../../shared/i18n.ts';
import { sendMessage, type ConversationView } from '../../shared/protocol.ts';
import { NoticeLine } from '../../ui/field.tsx';
import { useAction } from '../../ui/use-action.ts';
import { AddConversationForm } from './add-conversation-form.tsx';
import { ConversationRow } from './conversation-row.tsx';

export const PAGE_SIZE = 10;

const same = (a: ConversationView, b: ConversationView): boolean =>
  a.conversation.id === b.conversation.id && a.conversation.type === b.conversation.type;

/** Nothing left to show: inherits the app mode and is not muted. */
const isEmpty = (v: ConversationView, now: number): boolean => v.settings.type === undefined && v.settings.durationUntil <= now;

/** The conversations section. */
export function ConversationsSection(props: { now: number; signedIn: boolean }) {
  const action = useAction([]);
  // cursors[i] is the cursor that loads page i ("" for the first page).
  const [cursors, setCursors] = useState<string[]>(['']);
  const [items, setItems] = useState<ConversationView[] | null>(null);
  const [next, setNext] = useState('');

  const load = useCallback(async (cursor: string): Promise<boolean> => {
    const page = await action.run(() => sendMessage('listConversations', cursor ? { pageSize: PAGE_SIZE, cursor } : { pageSize: PAGE_SIZE }));
    if (!page) return false;
    setItems(page.items);
    setNext(page.cursor);
    return true;
  }, [action.run]);

  useEffect(() => {
    if (props.signedIn) void load('');
  }, [props.signedIn, load]);

  const goNext = async (): Promise<void> => {
    if (await load(next)) setCursors((c) => [...c, next]);
  };
  const goPrev = async (): Promise<void> => {
    const prev = cursors.slice(0, -1);
    if (await load(prev[prev.length - 1] ?? '')) setCursors(prev.length ? prev : ['']);
  };
  const changed = (v: ConversationView): void =>
    setItems((list) => (list ?? []).flatMap((x) => (same(x, v) ? (isEmpty(v, props.now) ? [] : [v]) : [x])));
  const added = (v: ConversationView): void =>
    setItems((list) => [v, ...(list ?? []).filter((x) => !same(x, v))]);

  const page = cursors.length;
  return (
    <section class="card" aria-labelledby="conv-heading">
      <h2 id="conv-heading">{t('optionsConversationsHeading')}</h2>
      {!props.signedIn ? (
        <p class="hint">{t('optionsSignInFirst')}</p>
      ) : (
        <>
          {items === null ? (
            <p class="hint">{t('commonLoading')}</p>
          ) : items.length === 0 ? (
            <p class="hint" data-testid="no-conversations">{t('optionsNoConversations')}</p>
          ) : (
            <ul class="conv-list" aria-label={t('optionsConversationsHeading')}>
              {items.map((v) => (
                <ConversationRow key={`${v.conversation.type}:${v.conversation.id}`} view={v} now={props.now} onChange={changed} />
              ))}
            </ul>
          )}
          <nav class="row pager" aria-label={t('optionsPager')}>
            <button type="button" disabled={page <= 1 || action.busy} onClick={() => void goPrev()}>{t('optionsPrevPage')}</button>
            <span data-testid="page-number">{t('optionsPageNumber', String(page))}</span>
            <button type="button" disabled={!next || action.busy} onClick={() => void goNext()}>{t('optionsNextPage')}</button>
          </nav>
          <NoticeLine notice={action.notice} />
          <AddConversationForm onAdded={added} />
        </>
      )}
    </section>
  );
}
