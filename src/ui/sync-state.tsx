/**
 * Changes waiting for the server, said as what they do ("Pausing… waiting for the server"),
 * when the outbox tries again, and the one sentence on what is wrong and what to do.
 */
import { t } from '../shared/i18n.ts';
import { type PendingChange, sendMessage, type StatusView } from '../shared/protocol.ts';
import { durationText, momentText } from './format.ts';
import { useAction } from './use-action.ts';

const PENDING_KEYS: Record<PendingChange['kind'], string> = {
  pause: 'popupPendingPause',
  resume: 'popupPendingResume',
  mode: 'popupPendingMode',
  window: 'popupPendingWindow',
  skip: 'popupPendingSkip',
  language: 'popupPendingLanguage',
  conversation: 'popupPendingChat',
};

/** One line per kind of waiting change, in the order made; a later pause/resume replaces an earlier one. */
export function pendingLines(changes: readonly PendingChange[]): string[] {
  const groups: string[] = [];
  const keys: string[] = [];
  for (const c of changes) {
    const group = c.kind === 'resume' ? 'pause' : c.kind;
    const i = groups.indexOf(group);
    if (i >= 0) keys[i] = PENDING_KEYS[c.kind];
    else {
      groups.push(group);
      keys.push(PENDING_KEYS[c.kind]);
    }
  }
  return keys.map((k) => t(k));
}

/** The sync block of the popup and the options page; nothing when all is sent. */
export function SyncState({ status, now }: { status: StatusView; now: number }) {
  const action = useAction([]);
  if (status.pending <= 0 && !status.syncError) return null;
  const retry = status.nextRetryAt > now ? status.nextRetryAt : 0;
  const tryNow = async (): Promise<void> => {
    // A failure is reported by the status itself (syncProblem), not a second time here.
    await sendMessage('refresh').catch(() => undefined);
  };
  return (
    <section class="sync" aria-label={t('popupSyncLabel')} role="status">
      {pendingLines(status.pendingChanges).map((line) => (
        <p key={line} class="sync-pending" data-testid="pending">
          <span class="spinner" aria-hidden="true" /> {line}
        </p>
      ))}
      {status.syncProblem === 'unreachable' ? (
        <p class="sync-error" data-testid="sync-error">
          {t('popupSyncUnreachable')}
        </p>
      ) : status.syncProblem === 'refused' ? (
        <p class="sync-error" data-testid="sync-error">
          {t('popupSyncRefused', status.syncError)}
        </p>
      ) : null}
      {status.pending > 0 && retry ? (
        <p class="hint" data-testid="next-retry">
          {t('popupNextRetry', [momentText(retry, now), durationText(retry - now)])}{' '}
          <button type="button" class="link" aria-disabled={action.busy} onClick={() => void action.run(tryNow)}>
            {t('popupTryNow')}
          </button>
        </p>
      ) : null}
    </section>
  );
}

/** The last change made from a menu, the keyboard or a notification, with "Undo". */
export function QuickUndo({ status, onStatus }: { status: StatusView; onStatus: (s: StatusView) => void }) {
  const action = useAction([]);
  const q = status.quickAction;
  if (!q) return null;
  const undo = async (): Promise<void> => {
    const next = await action.run(() => sendMessage('undoQuickAction'));
    if (next) onStatus(next);
  };
  return (
    <p class="quick" data-testid="quick-action" role="status">
      {q.text}{' '}
      <button type="button" class="link" aria-disabled={action.busy} onClick={() => void undo()}>
        {t('popupUndo')}
      </button>
    </p>
  );
}
