/** Push delivery: which channel, bound or not, last push and error; and a test push. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../shared/i18n.ts';
import { type PushStatusView, sendMessage } from '../../shared/protocol.ts';
import { NoticeLine } from '../../ui/field.tsx';
import { pastMomentText } from '../../ui/format.ts';
import { useAction } from '../../ui/use-action.ts';

const CHANNEL_KEYS: Record<PushStatusView['channel'], string> = {
  webpush: 'optionsChannelWebpush',
  stream: 'optionsChannelStream',
  none: 'optionsChannelNone',
};

/** The push status section; `initial` is the cached view from getStatus. */
export function PushStatusSection(props: { initial: PushStatusView; signedIn: boolean }) {
  const action = useAction([]);
  const [push, setPush] = useState(props.initial);

  const reload = async (): Promise<void> => {
    const next = await action.run(() => sendMessage('getPushStatus'));
    if (next) setPush(next);
  };
  useEffect(() => {
    if (props.signedIn) void reload();
  }, [props.signedIn]);
  // Registration finishes in the background after sign-in; follow the polled status.
  const initialKey = JSON.stringify(props.initial);
  useEffect(() => setPush(props.initial), [initialKey]);

  const test = async (): Promise<void> => {
    const r = await action.run(() => sendMessage('sendTestPush'));
    if (!r) return;
    action.setNotice(r.sent ? { kind: 'ok', text: t('optionsTestPushSent') } : { kind: 'error', text: t('optionsTestPushNotSent', r.reason) });
    void sendMessage('getPushStatus').then(setPush, () => undefined);
  };

  const yes = t('commonYes');
  const no = t('commonNo');
  return (
    <section class="card" aria-labelledby="push-heading">
      <h2 id="push-heading">{t('optionsPushHeading')}</h2>
      <dl class="facts" data-testid="push-status">
        <dt>{t('optionsPushChannel')}</dt><dd>{t(CHANNEL_KEYS[push.channel])}</dd>
        <dt>{t('optionsPushBound')}</dt><dd>{push.bound ? yes : no}</dd>
        {push.channel === 'stream' ? (<><dt>{t('optionsPushConnected')}</dt><dd>{push.streamConnected ? yes : no}</dd></>) : null}
        <dt>{t('optionsPushLast')}</dt><dd>{pastMomentText(push.lastPushAt)}</dd>
        {push.lastError ? (<><dt>{t('optionsPushLastError')}</dt><dd class="error-text">{push.lastError}</dd></>) : null}
      </dl>
      <div class="row">
        <button type="button" class="primary" disabled={action.busy || !props.signedIn} onClick={() => void test()}>{t('optionsSendTestPush')}</button>
        <button type="button" disabled={action.busy || !props.signedIn} onClick={() => void reload()}>{t('optionsRefresh')}</button>
      </div>
      <NoticeLine notice={action.notice} />
    </section>
  );
}
