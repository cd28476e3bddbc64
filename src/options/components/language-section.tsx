/** Push language: a searchable list of the Azure Translator codes, "" = no preference. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import data from '../../core/azure-languages.json' with { type: 'json' };
import { parseLanguage } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import { sendMessage } from '../../shared/protocol.ts';
import { describedBy, FieldError, NoticeLine } from '../../ui/field.tsx';
import { useAction } from '../../ui/use-action.ts';

const FIELD = 'language';

/** A language as the picker shows it: the shared Azure list's entry, native name included. */
export interface PickerLanguage {
  readonly code: string;
  readonly name: string;
  readonly nativeName: string;
  readonly dir: 'ltr' | 'rtl';
}

/** The 135 Azure Translator languages of the shared list (core holds only codes and English names). */
export const PICKER_LANGUAGES: readonly PickerLanguage[] = data.languages as PickerLanguage[];

/** Languages whose code, English name or native name contain `query` (case-insensitive). */
export function filterLanguages(all: readonly PickerLanguage[], query: string): PickerLanguage[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return [...all];
  return all.filter((l) => l.code.toLowerCase().includes(q) || l.name.toLocaleLowerCase().includes(q) || l.nativeName.toLocaleLowerCase().includes(q));
}

/** "French — Français" (the code is for the list, not for people). */
export function languageLabel(l: PickerLanguage): string {
  return l.name === l.nativeName ? l.name : `${l.name} — ${l.nativeName}`;
}

/** The language section. */
export function LanguageSection(props: { signedIn: boolean }) {
  const action = useAction([FIELD], { translationLanguage: FIELD });
  const languages = PICKER_LANGUAGES;
  const [saved, setSaved] = useState<string | null>(null);
  const [selected, setSelected] = useState('');
  const [query, setQuery] = useState('');

  useEffect(() => {
    if (!props.signedIn) return;
    void action.run(() => sendMessage('getLanguage')).then((r) => {
      if (!r) return;
      setSaved(r.language);
      setSelected(r.language);
    });
  }, [props.signedIn, action.run]);

  const shown = useMemo(() => filterLanguages(languages, query), [languages, query]);
  const current = languages.find((l) => l.code === selected);
  // Keep the chosen language visible even when the search hides it.
  const options = current && !shown.includes(current) ? [current, ...shown] : shown;

  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const r = parseLanguage(selected, FIELD);
    if (!r.ok) return action.invalid(FIELD, r.errors[0]?.message ?? '');
    const res = await action.run(() => sendMessage('setLanguage', { language: r.value }), t('optionsSaved'));
    if (res) setSaved(res.language);
  };

  const savedLanguage = saved ? languages.find((l) => l.code.toLowerCase() === saved.toLowerCase()) : undefined;
  const savedLabel = saved === null ? '…' : saved === '' ? t('optionsLanguageNone') : savedLanguage ? languageLabel(savedLanguage) : saved;
  const name = (l: PickerLanguage): string => (l.name === l.nativeName ? `${l.name} (${l.code})` : `${l.name} — ${l.nativeName} (${l.code})`);
  return (
    <section class="card" aria-labelledby="lang-heading">
      <h2 id="lang-heading">{t('optionsLanguageHeading')}</h2>
      <p class="hint">{t('optionsLanguageHint')}</p>
      {!props.signedIn ? <p class="hint">{t('optionsSignInFirst')}</p> : (
        <form onSubmit={save} noValidate>
          <label for="language-search">{t('optionsLanguageSearch')}</label>
          <input id="language-search" type="search" value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} aria-controls="language-select" />
          <p class="hint" aria-live="polite">{t('optionsLanguageCount', [String(shown.length), String(languages.length)])}</p>
          <label for="language-select">{t('optionsLanguageSelect')}</label>
          <select id="language-select" size={8} value={selected} onChange={(e) => setSelected((e.currentTarget as HTMLSelectElement).value)} {...describedBy('language-select', action.errors[FIELD])}>
            <option value="">{t('optionsLanguageNone')}</option>
            {options.map((l) => (
              <option key={l.code} value={l.code} lang={l.code}>{name(l)}</option>
            ))}
          </select>
          <FieldError id="language-select" error={action.errors[FIELD]} />
          <p data-testid="language-current">{t('optionsLanguageCurrent', savedLabel)}</p>
          <button type="submit" class="primary" disabled={action.busy || selected === saved}>{t('optionsSave')}</button>
          <NoticeLine notice={action.notice} />
        </form>
      )}
    </section>
  );
}
