/** Keywords (SPEC 1.7): words or phrases that count as a mention; and the summary switch. */
import { useEffect, useState } from 'preact/hooks';
import { MAX_KEYWORD_CHARS, MAX_KEYWORDS } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import { sendMessage, type StatusView } from '../../shared/protocol.ts';
import { NoticeLine } from '../../ui/field.tsx';
import { useAction } from '../../ui/use-action.ts';
import { WordList } from './word-list.tsx';

/** Why `value` cannot be added, or null (the background checks again with core). */
export function checkKeyword(value: string, items: readonly string[]): string | null {
  const v = value.trim();
  const chars = Array.from(v).length;
  if (chars < 1 || chars > MAX_KEYWORD_CHARS) return t('optionsKeywordsErrorLength', String(MAX_KEYWORD_CHARS));
  if (items.some((x) => x.toLowerCase() === v.toLowerCase())) return t('optionsListErrorDuplicate');
  if (items.length >= MAX_KEYWORDS) return t('optionsKeywordsErrorMany', String(MAX_KEYWORDS));
  return null;
}

export function KeywordsSection(props: { status: StatusView; onStatus: (s: StatusView) => void }) {
  const action = useAction(['keywords']);
  const items = props.status.app?.keywords ?? [];
  const save = async (next: string[]) => {
    const s = await action.run(() => sendMessage('setPushRules', { keywords: next }), t('optionsSaved'));
    if (s) props.onStatus(s);
  };
  return (
    <section class="card" aria-labelledby="keywords-heading" id="keywords">
      <h2 id="keywords-heading">{t('optionsKeywordsHeading')}</h2>
      <p class="hint">{t('optionsKeywordsHint')}</p>
      <WordList
        field="keywords"
        items={items}
        listLabel={t('optionsKeywordsHeading')}
        label={t('optionsKeywordsLabel')}
        addText={t('optionsKeywordsAdd')}
        emptyText={t('optionsKeywordsEmpty')}
        action={action}
        check={checkKeyword}
        save={save}
      />
    </section>
  );
}

/** "Summary when quiet ends": saved as soon as it is switched. */
export function SummarySection(props: { status: StatusView; onStatus: (s: StatusView) => void }) {
  const action = useAction(['summary']);
  const stored = props.status.app?.summary === true;
  // The switch moves when clicked (the background answers with the new status a moment later).
  const [on, setOn] = useState(stored);
  useEffect(() => setOn(stored), [stored]);
  const toggle = async (value: boolean) => {
    setOn(value);
    const s = await action.run(() => sendMessage('setPushRules', { summary: value }), t('optionsSaved'));
    if (s) props.onStatus(s);
    else setOn(stored);
  };
  return (
    <section class="card" aria-labelledby="summary-heading" id="summary">
      <h2 id="summary-heading">{t('optionsSummaryHeading')}</h2>
      <label class="check" for="summary-enabled">
        <input id="summary-enabled" type="checkbox" role="switch" checked={on} onChange={(e) => void toggle((e.currentTarget as HTMLInputElement).checked)} />
        {t('optionsSummaryEnabled')}
      </label>
      <p class="hint">{t('optionsSummaryHint')}</p>
      <NoticeLine notice={action.notice} />
    </section>
  );
}
