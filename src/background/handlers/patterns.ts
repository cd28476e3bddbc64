/** The chat-page URL patterns (stored; default = the server's demo chat). */
import { defaultChatPattern, parseChatPatterns } from '../../shared/chat-url.ts';
import type { Ctx } from './context.ts';
import type { StoredSession } from './deps.ts';
import { invalid } from './errors.ts';
import { getSession } from './session.ts';

export const PATTERNS_KEY = 'chatPatterns';
/** Before sign-in the default server is the local demo. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

/** The effective patterns: the user's, or the default for the configured server (the session read only then). */
export async function chatPatterns(ctx: Ctx): Promise<string[]> {
  return ownPatterns(await ctx.browser.storageGet<unknown>(PATTERNS_KEY)) ?? defaultPatterns(await getSession(ctx));
}

/** The effective patterns from the stored value and the session, both already read. */
export function patternsOf(stored: unknown, session: StoredSession | undefined): string[] {
  return ownPatterns(stored) ?? defaultPatterns(session);
}

/** The user's stored patterns, when there are valid ones. */
function ownPatterns(stored: unknown): string[] | undefined {
  const parsed = parseChatPatterns(stored);
  return parsed.ok && parsed.value.length > 0 ? parsed.value : undefined;
}

function defaultPatterns(session: StoredSession | undefined): string[] {
  return [defaultChatPattern(session?.serverUrl ?? DEFAULT_SERVER_URL)];
}

/** Validates and stores patterns; an empty list restores the default. */
export async function setChatPatterns(ctx: Ctx, args: unknown): Promise<string[]> {
  const parsed = parseChatPatterns((args as { patterns?: unknown } | undefined)?.patterns);
  if (!parsed.ok) throw invalid(parsed.errors);
  if (parsed.value.length === 0) await ctx.browser.storageRemove(PATTERNS_KEY);
  else await ctx.browser.storageSet(PATTERNS_KEY, parsed.value);
  return chatPatterns(ctx);
}
