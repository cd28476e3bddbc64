/**
 * The one fake of the UI tests: the messaging boundary. `sendMessage` records every call and
 * answers from per-message handlers; ProtocolError stays the real class.
 */
import type { ConversationView, ProtocolMap, PushStatusView, StatusView } from '../../../src/shared/protocol.ts';

type Name = keyof ProtocolMap;
type Handler = (data: unknown) => unknown;

export interface Call {
  readonly name: Name;
  readonly data: unknown;
}

const handlers = new Map<Name, Handler>();
export const calls: Call[] = [];

/** Answers `name` with `fn(data)` (may throw, may return a promise). */
export function reply(name: Name, fn: Handler): void {
  handlers.set(name, fn);
}

/** Forgets calls and handlers. */
export function resetFake(): void {
  handlers.clear();
  calls.length = 0;
}

/** Calls other than the status reads the pages make by themselves. */
export function actions(): Call[] {
  return calls.filter((c) => !['getStatus', 'refresh', 'getPushStatus', 'getLanguage', 'getChatPatterns', 'listConversations'].includes(c.name));
}

/** Drop-in for protocol.ts `sendMessage`. */
export async function fakeSendMessage(name: Name, data?: unknown): Promise<unknown> {
  calls.push({ name, data });
  const h = handlers.get(name);
  if (!h) throw new Error(`test fake: no reply for ${name}`);
  return h(data);
}

export const NOW = Date.UTC(2026, 10, 28, 21, 0, 0);

export const PUSH: PushStatusView = { channel: 'stream', bound: true, streamConnected: true, lastPushAt: 0, lastError: '' };

type StatusOverrides = Partial<Omit<StatusView, 'session' | 'app' | 'quiet'>> & {
  session?: Partial<StatusView['session']>;
  app?: Partial<NonNullable<StatusView['app']>> | null;
  quiet?: Partial<StatusView['quiet']>;
};

/** A signed-in, not quiet, mode ALL status, with overrides. */
export function status(o: StatusOverrides = {}): StatusView {
  const { session, app, quiet, ...rest } = o;
  return {
    session: { signedIn: true, serverUrl: 'http://127.0.0.1:8080', appKey: 'demo#im', username: 'alice', expired: false, ...session },
    app: app === null ? null : { type: 'ALL', window: null, durationUntil: 0, timeZone: 'Europe/Paris', ...app },
    language: '',
    quiet: { quiet: false, reason: null, quietUntil: null, nextChange: null, ...quiet },
    badge: { text: '', title: '' },
    lastAccount: null,
    pending: 0,
    pendingChanges: [],
    nextRetryAt: 0,
    syncError: '',
    syncProblem: '',
    windowSkipUntil: null,
    quickAction: null,
    lastSyncedAt: NOW - 1000,
    offlineCount: 0,
    push: PUSH,
    timeZone: 'Europe/Paris',
    currentChat: null,
    ...rest,
  };
}

export const SIGNED_OUT = status({ session: { signedIn: false, username: '', serverUrl: '', appKey: '' }, app: null });

/** A conversation view. */
export function conv(id: string, type: ConversationView['conversation']['type'], settings: Partial<ConversationView['settings']> = {}): ConversationView {
  return { conversation: { id, type }, settings: { durationUntil: 0, ...settings } };
}
