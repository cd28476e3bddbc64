/** The app-wide push mode, sent as soon as a radio is chosen. */
import type { RemindType } from '../core/index.ts';
import { t } from '../shared/i18n.ts';
import { sendMessage, type StatusView } from '../shared/protocol.ts';
import { NoticeLine } from './field.tsx';
import { RemindTypeRadios } from './remind-type-radios.tsx';
import { useAction } from './use-action.ts';

/** Radios ALL / AT / NONE; `name` keeps ids unique when used on the options page too. */
export function AppMode(props: { status: StatusView; onStatus: (s: StatusView) => void; name?: string; legend?: string; hideLegend?: boolean }) {
  const action = useAction(['remindType'], { 'options.remindType': 'remindType' });
  const choose = async (mode: RemindType): Promise<void> => {
    const next = await action.run(() => sendMessage('setAppRemindType', { remindType: mode }));
    if (next) props.onStatus(next);
  };
  return (
    <div class="app-mode">
      <RemindTypeRadios
        name={props.name ?? 'app-mode'}
        legend={props.legend ?? t('commonAppModeLegend')}
        value={props.status.app?.type ?? null}
        hideLegend={props.hideLegend ?? false}
        onChange={(m) => void choose(m as RemindType)}
      />
      {action.errors.remindType ? <p class="field-error" role="alert">{action.errors.remindType}</p> : null}
      <NoticeLine notice={action.notice} />
    </div>
  );
}
