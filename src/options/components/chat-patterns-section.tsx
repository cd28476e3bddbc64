/** The URL patterns that tell which chat a tab shows, one per line. */
import { useEffect, useState } from 'preact/hooks';
import { parseChatPatterns } from '../../shared/chat-url.ts';
import { t } from '../../shared/i18n.ts';
import { sendMessage } from '../../shared/protocol.ts';
import { describedBy, FieldError, NoticeLine } from '../../ui/field.tsx';
import { useAction } from '../../ui/use-action.ts';

const FIELD = 'patterns';

/** Non-blank lines of the textarea, trimmed, with their 1-based line numbers. */
export function patternLines(text: string): { patterns: string[]; lineNumbers: number[] } {
  const patterns: string[] = [];
  const lineNumbers: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    patterns.push(line.trim());
    lineNumbers.push(i + 1);
  });
  return { patterns, lineNumbers };
}

/** The chat-patterns section. */
export function ChatPatternsSection() {
  const action = useAction([FIELD]);
  const [text, setText] = useState('');
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    void action.run(() => sendMessage('getChatPatterns')).then((r) => {
      if (!r) return;
      setText(r.patterns.join('\n'));
      setLoaded(true);
    });
  }, [action.run]);

  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const { patterns, lineNumbers } = patternLines(text);
    // The same check the background runs; an empty list restores the default pattern.
    const checked = parseChatPatterns(patterns, FIELD);
    if (!checked.ok) {
      const index = /\[(\d+)\]/.exec(checked.errors[0]?.field ?? '')?.[1];
      return action.invalid(FIELD, index === undefined ? t('optionsErrorPatternsMany') : t('optionsErrorPatternLine', [String(lineNumbers[Number(index)] ?? ''), patterns[Number(index)] ?? '']));
    }
    const r = await action.run(() => sendMessage('setChatPatterns', { patterns }), t('optionsSaved'));
    if (r) setText(r.patterns.join('\n'));
  };

  return (
    <section class="card" aria-labelledby="patterns-heading">
      <h2 id="patterns-heading">{t('optionsPatternsHeading')}</h2>
      <form onSubmit={save} noValidate>
        <label for="chat-patterns">{t('optionsPatternsLabel')}</label>
        <textarea id="chat-patterns" rows={4} spellcheck={false} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} {...describedBy('chat-patterns', action.errors[FIELD])} />
        <FieldError id="chat-patterns" error={action.errors[FIELD]} />
        <p class="hint">{t('optionsPatternsHint')}</p>
        <button type="submit" class="primary" disabled={action.busy || !loaded}>{t('optionsSave')}</button>
        <NoticeLine notice={action.notice} />
      </form>
    </section>
  );
}
