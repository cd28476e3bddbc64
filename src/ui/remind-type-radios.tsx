/** The push-mode radio group (ALL / AT / NONE, and "follow app" for one conversation). */
import { REMIND_TYPES, type RemindType } from '../core/index.ts';
import { t } from '../shared/i18n.ts';

export type ModeChoice = RemindType | 'DEFAULT';

const LABEL_KEYS: Record<ModeChoice, string> = {
  ALL: 'commonModeAll',
  AT: 'commonModeAt',
  NONE: 'commonModeNone',
  DEFAULT: 'commonModeDefault',
};

/** Label of a mode for display elsewhere. */
export function modeLabel(mode: ModeChoice): string {
  return t(LABEL_KEYS[mode]);
}

/** A fieldset of radios; choosing one calls `onChange` at once (no separate save). */
export function RemindTypeRadios(props: {
  name: string;
  legend: string;
  value: ModeChoice | null;
  withDefault?: boolean;
  /** Leave out "Only @mentions" (a direct chat: its messages count as mentions anyway). */
  withoutAt?: boolean;
  /** Keep the legend for screen readers only (a visible heading already says it). */
  hideLegend?: boolean;
  disabled?: boolean;
  onChange: (mode: ModeChoice) => void;
}) {
  const all: ModeChoice[] = props.withDefault ? ['DEFAULT', ...REMIND_TYPES] : [...REMIND_TYPES];
  const choices = props.withoutAt ? all.filter((m) => m !== 'AT') : all;
  return (
    <fieldset class="radios" disabled={props.disabled}>
      <legend class={props.hideLegend ? 'visually-hidden' : undefined}>{props.legend}</legend>
      {choices.map((mode) => {
        const id = `${props.name}-${mode}`;
        return (
          <label key={mode} for={id} class="radio">
            <input
              id={id}
              type="radio"
              name={props.name}
              value={mode}
              checked={props.value === mode}
              onChange={() => props.onChange(mode)}
            />
            <span>{modeLabel(mode)}</span>
          </label>
        );
      })}
    </fieldset>
  );
}
