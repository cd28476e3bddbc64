/**
 * A list of words or names with add and remove, saved at once through the background (the
 * outbox keeps it while the server is away). Used for priority people and keywords.
 */
import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n.ts';
import { describedBy, FieldError, NoticeLine } from '../../ui/field.tsx';
import type { Action } from '../../ui/use-action.ts';

export interface WordListProps {
  /** Base of element ids and the field errors are shown for ("prioritySenders"). */
  readonly field: string;
  readonly items: readonly string[];
  readonly label: string;
  /** Names the list itself (the section's heading). */
  readonly listLabel: string;
  readonly addText: string;
  readonly emptyText: string;
  readonly action: Action;
  /** Checks a new item; a message when it cannot be added. */
  check(value: string, items: readonly string[]): string | null;
  /** Saves the whole new list. */
  save(items: string[]): Promise<void>;
  /** Offered as one-click additions (people who pushed lately). */
  readonly suggestions?: readonly { value: string; label: string }[];
  readonly suggestionsLabel?: string;
}

/** The list, its add field with the error next to it, and suggestions. */
export function WordList(p: WordListProps) {
  const [draft, setDraft] = useState('');
  const inputId = `${p.field}-input`;
  const error = Object.entries(p.action.errors).find(([k]) => k === p.field)?.[1];

  const add = async (value: string): Promise<void> => {
    const problem = p.check(value, p.items);
    if (problem) return p.action.invalid(p.field, problem);
    await p.save([...p.items, value.trim()]);
    setDraft('');
  };

  const offered = (p.suggestions ?? []).filter((s) => !p.items.some((i) => i.toLowerCase() === s.value.toLowerCase()));
  return (
    <div class="word-list">
      {p.items.length ? (
        <ul class="chips" aria-label={p.listLabel}>
          {p.items.map((item) => (
            <li class="chip" key={item}>
              <span>{item}</span>
              <button type="button" class="chip-remove" aria-label={t('optionsListRemove', item)} onClick={() => void p.save(p.items.filter((x) => x !== item))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="hint">{p.emptyText}</p>
      )}
      <form
        class="row add-word"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void add(draft);
        }}
      >
        <div class="field">
          <label for={inputId}>{p.label}</label>
          <input id={inputId} value={draft} onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)} {...describedBy(inputId, error)} />
          <FieldError id={inputId} error={error} />
        </div>
        <button type="submit" disabled={p.action.busy}>{p.addText}</button>
      </form>
      {offered.length ? (
        <div class="suggestions">
          <span class="hint">{p.suggestionsLabel}</span>
          {offered.slice(0, 8).map((s) => (
            <button type="button" class="chip chip-suggest" key={s.value} onClick={() => void add(s.value)}>
              {`+ ${s.label}`}
            </button>
          ))}
        </div>
      ) : null}
      <NoticeLine notice={p.action.notice} />
    </div>
  );
}
