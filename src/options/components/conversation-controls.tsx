/** The mode and mute selects shared by the conversation editor and the add form. */
import type { ConversationType } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import { MUTE_CHOICES } from '../../ui/durations.ts';
import { describedBy } from '../../ui/field.tsx';
import { type ModeChoice, modeLabel } from '../../ui/remind-type-radios.tsx';

export const MODE_CHOICES: readonly ModeChoice[] = ['DEFAULT', 'ALL', 'AT', 'NONE'];
/** "keep" leaves the mute as it is; "0" unmutes; other values are ms. */
export type MuteChoice = 'keep' | string;

/** The modes offered for a conversation type: a direct chat has no "Only @mentions" (SPEC 1.7). */
export function modesFor(type: ConversationType): readonly ModeChoice[] {
  return type === 'singleChat' ? MODE_CHOICES.filter((m) => m !== 'AT') : MODE_CHOICES;
}

/** Mode select for a conversation of `type`. */
export function ModeSelect(props: { id: string; type: ConversationType; value: ModeChoice; error?: string | undefined; onChange: (m: ModeChoice) => void }) {
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value as ModeChoice)} {...describedBy(props.id, props.error)}>
      {modesFor(props.type).map((m) => (
        <option key={m} value={m}>{modeLabel(m)}</option>
      ))}
    </select>
  );
}

/** Mute select: keep, unmute, or one of the lengths. */
export function MuteSelect(props: { id: string; value: MuteChoice; keepLabel: string; error?: string | undefined; onChange: (v: MuteChoice) => void }) {
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)} {...describedBy(props.id, props.error)}>
      <option value="keep">{props.keepLabel}</option>
      <option value="0">{t('commonUnmute')}</option>
      {MUTE_CHOICES.map((c) => (
        <option key={c.key} value={String(c.ms)}>{t('optionsMuteFor', t(c.key))}</option>
      ))}
    </select>
  );
}

/** The durationMs to send for a mute choice, or undefined for "keep". */
export function muteMs(choice: MuteChoice): number | undefined {
  return choice === 'keep' ? undefined : Number(choice);
}
