/** Priority people (SPEC 1.7): their messages go through quiet hours; suggested from recent senders. */
import { useEffect, useState } from 'preact/hooks';
import { MAX_PRIORITY_SENDERS } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import { type RecentSenderView, sendMessage, type StatusView } from '../../shared/protocol.ts';
import { useAction } from '../../ui/use-action.ts';
import { WordList } from './word-list.tsx';

const USERNAME = /^[a-zA-Z0-9_.-]{1,64}$/;

/** Why `value` cannot be added, or null (the background checks again with core). */
export function checkPerson(value: string, items: readonly string[]): string | null {
  const v = value.trim();
  if (!USERNAME.test(v)) return t('optionsPeopleErrorName');
  if (items.some((x) => x.toLowerCase() === v.toLowerCase())) return t('optionsListErrorDuplicate');
  if (items.length >= MAX_PRIORITY_SENDERS) return t('optionsPeopleErrorMany', String(MAX_PRIORITY_SENDERS));
  return null;
}

export function PeopleSection(props: { status: StatusView; onStatus: (s: StatusView) => void }) {
  const action = useAction(['prioritySenders']);
  const [recent, setRecent] = useState<RecentSenderView[]>([]);
  useEffect(() => {
    sendMessage('getRecentSenders', undefined).then((r) => setRecent(r.senders), () => setRecent([]));
  }, []);
  const items = props.status.app?.prioritySenders ?? [];
  const save = async (next: string[]) => {
    const s = await action.run(() => sendMessage('setPushRules', { prioritySenders: next }), t('optionsSaved'));
    if (s) props.onStatus(s);
  };
  return (
    <section class="card" aria-labelledby="people-heading" id="people">
      <h2 id="people-heading">{t('optionsPeopleHeading')}</h2>
      <p class="hint">{t('optionsPeopleHint')}</p>
      <WordList
        field="prioritySenders"
        items={items}
        listLabel={t('optionsPeopleHeading')}
        label={t('optionsPeopleLabel')}
        addText={t('optionsPeopleAdd')}
        emptyText={t('optionsPeopleEmpty')}
        action={action}
        check={checkPerson}
        save={save}
        suggestions={recent.map((r) => ({ value: r.username, label: r.name && r.name.toLowerCase() !== r.username ? `${r.name} (${r.username})` : r.username }))}
        suggestionsLabel={t('optionsPeopleSuggestions')}
      />
    </section>
  );
}
