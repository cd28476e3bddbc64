/** Account: who is signed in and sign-out, or the sign-in form. */
import { useLayoutEffect, useState } from 'preact/hooks';
import { parseAppKey, parseWith, usernameSchema } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import { DEFAULT_SERVER_URL, originPattern, requestHostPermission } from '../../shared/permissions.ts';
import { ProtocolError, protocolErrorOf, sendMessage, type StatusView } from '../../shared/protocol.ts';
import { describedBy, Field, NoticeLine } from '../../ui/field.tsx';
import { useAction } from '../../ui/use-action.ts';

const FIELDS = ['serverUrl', 'appKey', 'username', 'password'] as const;
type FieldName = (typeof FIELDS)[number];

/** The first problem with the form, checked before anything is sent. */
function checkForm(v: Record<FieldName, string>): { field: FieldName; message: string } | null {
  if (originPattern(v.serverUrl.trim()) === null) return { field: 'serverUrl', message: t('optionsErrorServerUrl') };
  if (!parseAppKey(v.appKey.trim()).ok) return { field: 'appKey', message: t('optionsErrorAppKey') };
  if (!parseWith(usernameSchema, v.username.trim()).ok) return { field: 'username', message: t('optionsErrorUsername') };
  if (v.password === '') return { field: 'password', message: t('optionsErrorPassword') };
  return null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * The sign-in form: starts from the last account used here (server, app key, username — never
 * the password), keeps the password when the server could not be reached, marks the field at
 * fault, and puts the focus on it.
 */
function SignInForm(props: { status: StatusView; onStatus: (s: StatusView) => void }) {
  const action = useAction(FIELDS);
  const s = props.status.session;
  const last = props.status.lastAccount;
  const [values, setValues] = useState<Record<FieldName, string>>({
    serverUrl: s.serverUrl || last?.serverUrl || DEFAULT_SERVER_URL,
    appKey: s.appKey || last?.appKey || 'demo#im',
    username: s.username || last?.username || '',
    password: '',
  });
  const errorKey = FIELDS.find((f) => action.errors[f]);
  useLayoutEffect(() => {
    if (errorKey) document.getElementById(`account-${errorKey}`)?.focus();
  }, [errorKey, action.errors[errorKey ?? 'serverUrl']]);
  const set = (name: FieldName) => (e: Event) =>
    setValues((v) => ({ ...v, [name]: (e.currentTarget as HTMLInputElement).value }));

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const problem = checkForm(values);
    if (problem) {
      action.invalid(problem.field, problem.message);
      return;
    }
    const serverUrl = values.serverUrl.trim().replace(/\/+$/, '');
    // Ask for the host first, still inside the click: the prompt needs the user gesture.
    const granted = await requestHostPermission(serverUrl);
    if (!granted) {
      action.invalid('serverUrl', t('optionsErrorHostPermission', originPattern(serverUrl) ?? serverUrl));
      return;
    }
    const args = { serverUrl, appKey: values.appKey.trim(), username: values.username.trim(), password: values.password };
    const next = await action.run(async () => {
      try {
        return await sendMessage('signIn', args);
      } catch (e) {
        // Unreachable is about the address (or the network): say so next to it, once.
        if (protocolErrorOf(e).code === 'unreachable') throw new ProtocolError('unreachable', t('optionsErrorServerUnreachable', hostOf(serverUrl)), 'serverUrl');
        throw e;
      }
    });
    // The password is cleared only once it worked; after a failure the person fixes and retries.
    if (!next) return;
    setValues((v) => ({ ...v, password: '' }));
    props.onStatus(next);
  };

  const common = (name: FieldName) => ({
    id: `account-${name}`,
    name,
    value: values[name],
    onInput: set(name),
    ...describedBy(`account-${name}`, action.errors[name]),
  });

  return (
    <form class="form-grid" onSubmit={submit} noValidate>
      {s.expired ? <p class="notice notice-error">{t('optionsSessionExpired', s.username)}</p> : null}
      <Field id="account-serverUrl" label={t('optionsServerUrl')} error={action.errors.serverUrl}>
        <input type="url" autoComplete="url" {...common('serverUrl')} />
      </Field>
      <Field id="account-appKey" label={t('optionsAppKey')} error={action.errors.appKey} hint={t('optionsAppKeyHint')}>
        <input type="text" autoComplete="off" {...common('appKey')} />
      </Field>
      <Field id="account-username" label={t('optionsUsername')} error={action.errors.username}>
        <input type="text" autoComplete="username" {...common('username')} />
      </Field>
      <Field id="account-password" label={t('optionsPassword')} error={action.errors.password} hint={t('optionsPasswordHint')}>
        <input type="password" autoComplete="current-password" {...common('password')} />
      </Field>
      <div class="row">
        <button type="submit" class="primary" aria-disabled={action.busy}>
          {action.busy ? t('optionsSigningIn') : t('optionsSignIn')}
        </button>
      </div>
      <NoticeLine notice={action.notice} />
    </form>
  );
}

/** The account section of the options page. */
export function AccountSection(props: { status: StatusView; onStatus: (s: StatusView) => void }) {
  const action = useAction([]);
  const s = props.status.session;
  const signOut = async (): Promise<void> => {
    const next = await action.run(() => sendMessage('signOut'));
    if (next) props.onStatus(next);
  };
  return (
    <section class="card" aria-labelledby="account-heading">
      <h2 id="account-heading">{t('optionsAccountHeading')}</h2>
      {s.signedIn && !s.expired ? (
        <div class="row spread">
          <p data-testid="signed-in-as">{t('optionsSignedInAs', [s.username, s.serverUrl, s.appKey])}</p>
          <button type="button" disabled={action.busy} onClick={() => void signOut()}>
            {t('optionsSignOut')}
          </button>
        </div>
      ) : (
        <SignInForm status={props.status} onStatus={props.onStatus} />
      )}
      <NoticeLine notice={action.notice} />
    </section>
  );
}
