/**
 * The IM session (SPEC 5): sign in with server URL, app key, username and password, keep only
 * the token, notice expiry, sign out. The password never leaves this function's arguments.
 */
import { type PushClient, PushClientError } from '../../client/index.ts';
import { t } from '../../shared/i18n.ts';
import { parseAppKey, usernameSchema, parseWith } from '../../core/index.ts';
import { type LastAccount, ProtocolError, type SessionView, type SignInArgs } from '../../shared/protocol.ts';
import type { Ctx } from './context.ts';
import type { StoredSession } from './deps.ts';
import { describe, invalid, toProtocolError } from './errors.ts';

export const SESSION_KEY = 'session';
export const RESOURCE_KEY = 'resource';
export const EXPIRY_ALARM = 'session-expiry';
/** The last account signed in here (server, app key, username; never the password), kept after sign-out. */
export const LAST_ACCOUNT_KEY = 'lastAccount';

/** The account the sign-in form starts from, or null. */
export async function lastAccount(ctx: Ctx): Promise<LastAccount | null> {
  return lastAccountOf(await ctx.browser.storageGet(LAST_ACCOUNT_KEY));
}

/** The last account from its stored value (null when absent or damaged). */
export function lastAccountOf(stored: unknown): LastAccount | null {
  const a = stored as Partial<LastAccount> | undefined;
  if (!a || typeof a.serverUrl !== 'string' || typeof a.appKey !== 'string' || typeof a.username !== 'string') return null;
  return { serverUrl: a.serverUrl, appKey: a.appKey, username: a.username };
}

/** The stored session, or undefined when signed out. */
export async function getSession(ctx: Ctx): Promise<StoredSession | undefined> {
  return sessionOf(await ctx.browser.storageGet(SESSION_KEY));
}

/** The session from its stored value (undefined when absent or damaged). */
export function sessionOf(stored: unknown): StoredSession | undefined {
  const s = stored as StoredSession | undefined;
  return s && typeof s.token === 'string' && typeof s.serverUrl === 'string' ? s : undefined;
}

/** This browser's device resource, made once and kept: it names the push binding. */
export async function deviceResource(ctx: Ctx): Promise<string> {
  const existing = await ctx.browser.storageGet<string>(RESOURCE_KEY);
  if (typeof existing === 'string' && /^webext-[a-z0-9]{1,56}$/.test(existing)) return existing;
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const resource = `webext-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  await ctx.browser.storageSet(RESOURCE_KEY, resource);
  return resource;
}

/** What the UI shows about the session. */
export function sessionView(s: StoredSession | undefined, now: number): SessionView {
  if (!s) return { signedIn: false, serverUrl: '', appKey: '', username: '', expired: false };
  return { signedIn: true, serverUrl: s.serverUrl, appKey: s.appKey, username: s.username, expired: isExpired(s, now) };
}

export function isExpired(s: StoredSession, now: number): boolean {
  return s.expired || (s.expiresAt > 0 && s.expiresAt <= now);
}

/** A client for the stored session, reused while the token stays the same. */
export async function clientFor(ctx: Ctx, s: StoredSession): Promise<PushClient> {
  const key = `${s.serverUrl}|${s.appKey}|${s.token}`;
  if (ctx.runtime.client?.key === key) return ctx.runtime.client.client;
  const client = ctx.makeClient({ baseUrl: s.serverUrl, appKey: s.appKey, resource: await deviceResource(ctx) });
  client.setSession(s.token, s.username);
  ctx.runtime.client = { key, client };
  return client;
}

/** The signed-in client, or a ProtocolError saying why there is none. */
export async function requireClient(ctx: Ctx): Promise<{ session: StoredSession; client: PushClient }> {
  const session = await getSession(ctx);
  if (!session) throw new ProtocolError('signed_out', 'not signed in: sign in on the options page');
  if (isExpired(session, ctx.now())) throw new ProtocolError('session_expired', 'the session expired: sign in again');
  return { session, client: await clientFor(ctx, session) };
}

/** Marks the token as refused (401) so the UI asks for the password again. */
export async function markExpired(ctx: Ctx): Promise<void> {
  const s = await getSession(ctx);
  if (s && !s.expired) await ctx.browser.storageSet(SESSION_KEY, { ...s, expired: true });
  ctx.runtime.stream?.stop();
  ctx.runtime.stream = undefined;
}

function checkSignIn(args: unknown): SignInArgs & { serverUrl: string } {
  if (typeof args !== 'object' || args === null) throw new ProtocolError('invalid_argument', 'sign-in details are missing', 'serverUrl');
  const a = args as Record<string, unknown>;
  let url: URL | undefined;
  try {
    url = typeof a.serverUrl === 'string' ? new URL(a.serverUrl) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new ProtocolError('invalid_argument', `serverUrl ${JSON.stringify(a.serverUrl)}: an http(s) URL such as "http://127.0.0.1:8080"`, 'serverUrl');
  const key = parseAppKey(a.appKey, 'appKey');
  if (!key.ok) throw invalid(key.errors);
  const user = parseWith(usernameSchema, a.username, 'username');
  if (!user.ok) throw invalid(user.errors);
  if (typeof a.password !== 'string' || a.password === '') throw new ProtocolError('invalid_argument', 'password is missing: enter your password', 'password');
  const serverUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  return { serverUrl, appKey: a.appKey as string, username: user.value, password: a.password };
}

/**
 * Signs in and stores the token (never the password). A different account or server than
 * before starts from empty caches, so nothing leaks between accounts.
 */
export async function signIn(ctx: Ctx, args: unknown): Promise<StoredSession> {
  const a = checkSignIn(args);
  const resource = await deviceResource(ctx);
  const client = ctx.makeClient({ baseUrl: a.serverUrl, appKey: a.appKey, resource });
  let token: { access_token: string; expires_in: number; user: { username: string } };
  try {
    token = (await client.signIn({ username: a.username, password: a.password })).data;
  } catch (e) {
    const err = toProtocolError(e);
    // A refused password is the user's input, not an expired session.
    if (err.code === 'session_expired') throw new ProtocolError('invalid_argument', describe(e), 'password');
    // A 404 means the address answers but not for this app: our server names the wrong app key
    // in its envelope; anything else is not this kind of server at all.
    if (e instanceof PushClientError && e.status === 404) {
      if (e.error === 'service_resource_not_found') throw new ProtocolError('invalid_argument', t('bgErrorUnknownAppKey', [a.appKey]), 'appKey');
      throw new ProtocolError('invalid_argument', t('bgErrorNotAServer', [a.serverUrl]), 'serverUrl');
    }
    throw err;
  }
  const previous = await getSession(ctx);
  if (previous && (previous.serverUrl !== a.serverUrl || previous.appKey !== a.appKey || previous.username !== token.user.username.toLowerCase()))
    await ctx.db.clearAccountData();
  const now = ctx.now();
  const session: StoredSession = {
    serverUrl: a.serverUrl,
    appKey: a.appKey,
    username: token.user.username.toLowerCase(),
    token: token.access_token,
    expiresAt: token.expires_in > 0 ? now + token.expires_in * 1000 : 0,
    expired: false,
  };
  await ctx.browser.storageSet(SESSION_KEY, session);
  await ctx.browser.storageSet(LAST_ACCOUNT_KEY, { serverUrl: session.serverUrl, appKey: session.appKey, username: session.username } satisfies LastAccount);
  ctx.runtime.client = { key: `${session.serverUrl}|${session.appKey}|${session.token}`, client };
  await ctx.browser.setAlarm(EXPIRY_ALARM, session.expiresAt || null);
  return session;
}

/** Forgets the session and every cached setting; the caller unbinds first. */
export async function forgetSession(ctx: Ctx): Promise<void> {
  ctx.runtime.stream?.stop();
  ctx.runtime.stream = undefined;
  ctx.runtime.client = undefined;
  await ctx.db.clearAccountData();
  await ctx.browser.storageRemove(SESSION_KEY);
  await ctx.browser.setAlarm(EXPIRY_ALARM, null);
}
