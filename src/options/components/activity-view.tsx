/**
 * Recent activity (SPEC 5): the last push decisions in words, with chat names where known, and
 * "Would this notify me?" for a chosen chat and sender, answered by the server's check.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConversationRef } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import {
  type ActivityItem, type CheckView, type ConversationView, type RecentSenderView, sendMessage,
} from '../../shared/protocol.ts';
import { activitySentence, checkSentence } from '../../ui/activity-text.ts';
import { describedBy, FieldError, NoticeLine } from '../../ui/field.tsx';
import { momentText, pastMomentText } from '../../ui/format.ts';
import { errorNotice, useAction } from '../../ui/use-action.ts';

const keyOf = (c: ConversationRef) => `${c.type}/${c.id}`;

/** "from bob in Design team" — whatever of it is known. */
function whereText(item: ActivityItem): string {
  const chat = item.conversation ? item.chatName || item.conversation.id : '';
  const group = item.conversation && item.conversation.type !== 'singleChat';
  if (item.from && group) return t('optionsActivityFromIn', [item.from, chat]);
  if (item.from) return t('optionsActivityFrom', item.from);
  return chat ? t('optionsActivityIn', chat) : '';
}

/** The trace list. */
function ActivityList() {
  const [items, setItems] = useState<ActivityItem[] | null>(null);
  const [error, setError] = useState('');
  const load = () => {
    setError('');
    sendMessage('getActivity', {}).then((r) => setItems(r.items), (e: unknown) => setError(errorNotice(e)));
  };
  useEffect(load, []);
  return (
    <section class="card" aria-labelledby="activity-heading">
      <div class="row spread">
        <h2 id="activity-heading">{t('optionsActivityHeading')}</h2>
        <button type="button" class="link" onClick={load}>{t('optionsActivityReload')}</button>
      </div>
      {error ? <p class="notice notice-error" role="status">{error}</p> : null}
      {items === null && !error ? <p class="hint">{t('commonLoading')}</p> : null}
      {items?.length === 0 ? <p class="hint">{t('optionsActivityEmpty')}</p> : null}
      {items?.length ? (
        <ul class="activity-list" data-testid="activity-list">
          {items.map((item) => (
            <li class={`activity activity-${item.reason === 'SUMMARY' ? 'summary' : item.push ? 'pushed' : 'held'}`} key={`${item.id}-${item.ts}`}>
              <span class="activity-sentence" data-testid="activity-sentence">{activitySentence(item)}</span>
              <span class="activity-meta">{[whereText(item), pastMomentText(item.ts)].filter(Boolean).join(' · ')}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** "Would this notify me?" */
function CheckForm({ now }: { now: number }) {
  const action = useAction(['conversation', 'from', 'text']);
  const [chats, setChats] = useState<ConversationView[]>([]);
  const [senders, setSenders] = useState<RecentSenderView[]>([]);
  const [chat, setChat] = useState('');
  const [from, setFrom] = useState('');
  const [text, setText] = useState('');
  const [mentioned, setMentioned] = useState(false);
  const [answer, setAnswer] = useState<CheckView | null>(null);

  useEffect(() => {
    sendMessage('listConversations', undefined).then((r) => {
      const sorted = [...r.items].sort((a, b) => (a.name ?? a.conversation.id).localeCompare(b.name ?? b.conversation.id));
      setChats(sorted);
      setChat((c) => c || (sorted[0] ? keyOf(sorted[0].conversation) : ''));
    }, () => setChats([]));
    sendMessage('getRecentSenders', undefined).then((r) => setSenders(r.senders), () => setSenders([]));
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setAnswer(null);
    const picked = chats.find((c) => keyOf(c.conversation) === chat);
    if (!picked) return action.invalid('conversation', t('optionsCheckErrorChat'));
    const r = await action.run(() => sendMessage('checkPush', {
      conversation: picked.conversation,
      ...(from.trim() ? { from: from.trim() } : {}),
      ...(text ? { text } : {}),
      mentioned,
    }));
    if (r) setAnswer(r);
  };

  const label = (c: ConversationView) => {
    const kind = t(c.conversation.type === 'singleChat' ? 'optionsCheckKindPerson' : c.conversation.type === 'chatRoom' ? 'optionsCheckKindRoom' : 'optionsCheckKindGroup');
    return `${c.name ?? c.conversation.id} (${kind})`;
  };

  return (
    <section class="card" aria-labelledby="check-heading">
      <h2 id="check-heading">{t('optionsCheckHeading')}</h2>
      <form onSubmit={submit} noValidate class="form-grid">
        <div class="field">
          <label for="check-chat">{t('optionsCheckChat')}</label>
          <select id="check-chat" value={chat} onChange={(e) => setChat((e.currentTarget as HTMLSelectElement).value)} {...describedBy('check-chat', action.errors.conversation)}>
            {chats.map((c) => <option key={keyOf(c.conversation)} value={keyOf(c.conversation)}>{label(c)}</option>)}
          </select>
          <FieldError id="check-chat" error={action.errors.conversation} />
        </div>
        <div class="field">
          <label for="check-from">{t('optionsCheckFrom')}</label>
          <input id="check-from" list="check-senders" value={from} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} {...describedBy('check-from', action.errors.from)} />
          <datalist id="check-senders">
            {senders.map((s) => <option key={s.username} value={s.username}>{s.name ?? s.username}</option>)}
          </datalist>
          <FieldError id="check-from" error={action.errors.from} />
        </div>
        <div class="field">
          <label for="check-text">{t('optionsCheckText')}</label>
          <input id="check-text" value={text} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} {...describedBy('check-text', action.errors.text)} />
          <FieldError id="check-text" error={action.errors.text} />
        </div>
        <label class="check" for="check-mentioned">
          <input id="check-mentioned" type="checkbox" checked={mentioned} onChange={(e) => setMentioned((e.currentTarget as HTMLInputElement).checked)} />
          {t('optionsCheckMentioned')}
        </label>
        <div class="row">
          <button type="submit" class="primary" disabled={action.busy}>{t('optionsCheckSubmit')}</button>
        </div>
        <NoticeLine notice={action.notice} />
      </form>
      {answer ? (
        <p class={`check-answer ${answer.push ? 'check-yes' : 'check-no'}`} role="status" data-testid="check-answer">
          {checkSentence(answer)}
          {answer.quietUntil ? ` ${t('optionsCheckUntil', momentText(answer.quietUntil, now))}` : ''}
        </p>
      ) : null}
    </section>
  );
}

/** The recent-activity view (options.html#activity). */
export function ActivityView({ now }: { now: number }) {
  return (
    <>
      <p><a href="#" class="link">{t('optionsActivityBack')}</a></p>
      <ActivityList />
      <CheckForm now={now} />
    </>
  );
}
