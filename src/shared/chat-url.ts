/**
 * Which chat a tab shows, read from its URL with user-editable patterns. A pattern is a URL
 * template: `{type}` and `{id}` capture the conversation, `*` matches anything.
 * Example (the demo web chat): `http://127.0.0.1:8080/#/chat/{type}/{id}`.
 */
import type { ConversationRef, ConversationType } from '../core/index.ts';
import { fail, ok, type Result } from '../core/index.ts';

/** Path words other chat apps use for a conversation type. */
const TYPE_WORDS: Record<string, ConversationType> = {
  singlechat: 'singleChat',
  single: 'singleChat',
  user: 'singleChat',
  chat: 'singleChat',
  groupchat: 'groupChat',
  group: 'groupChat',
  chatgroup: 'groupChat',
  chatroom: 'chatRoom',
  room: 'chatRoom',
};

export const MAX_PATTERNS = 20;
const MAX_PATTERN_LENGTH = 500;

/** The default pattern: the server's demo web chat. */
export function defaultChatPattern(serverUrl: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/#/chat/{type}/{id}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(pattern: string): RegExp {
  const parts = pattern.split(/(\{type\}|\{id\}|\*)/);
  const source = parts
    .map((p) => (p === '{type}' ? '(?<type>[^/?#&]+)' : p === '{id}' ? '(?<id>[^/?#&]+)' : p === '*' ? '.*?' : escapeRegExp(p)))
    .join('');
  return new RegExp(`^${source}(?:[?#/].*)?$`);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The conversation a URL shows under the first matching pattern, or null. */
export function parseChatUrl(url: string | undefined, patterns: readonly string[]): ConversationRef | null {
  if (!url) return null;
  for (const pattern of patterns) {
    const m = compile(pattern).exec(url);
    const rawType = m?.groups?.type;
    const rawId = m?.groups?.id;
    if (!rawType || !rawId) continue;
    const type = TYPE_WORDS[rawType.toLowerCase()];
    const id = decode(rawId);
    if (type && id.length >= 1 && id.length <= 128) return { id, type };
  }
  return null;
}

/** Checks user-entered patterns: http(s) URL templates with `{type}` and `{id}`. */
export function parseChatPatterns(value: unknown, field = 'patterns'): Result<string[]> {
  if (!Array.isArray(value)) return fail(field, value, `an array of up to ${MAX_PATTERNS} URL patterns`);
  if (value.length > MAX_PATTERNS) return fail(field, `${value.length} patterns`, `at most ${MAX_PATTERNS} patterns`);
  const out: string[] = [];
  for (const [i, p] of value.entries()) {
    const allowed = 'a URL such as "https://chat.example.com/#/chat/{type}/{id}" containing {type} and {id} ("*" matches anything)';
    if (typeof p !== 'string') return fail(`${field}[${i}]`, p, allowed);
    const text = p.trim();
    if (text.length === 0 || text.length > MAX_PATTERN_LENGTH || !/^(https?|\*):\/\/[^/]+/.test(text) || !text.includes('{type}') || !text.includes('{id}'))
      return fail(`${field}[${i}]`, p, allowed);
    out.push(text);
  }
  return ok(out);
}

/**
 * Match patterns for `contextMenus` `documentUrlPatterns`: one per host. They cannot express a
 * fragment or a port, so the exact match happens on click with `parseChatUrl`.
 */
export function documentPatternsFor(patterns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of patterns) {
    const m = /^(https?|\*):\/\/([^/:?#]+)/.exec(p);
    if (!m) continue;
    const host = m[2]!.replace(/\{type\}|\{id\}/g, '*');
    if (host.includes('*') && !/^\*(\.[^*]+)?$/.test(host)) out.add(`${m[1]}://*/*`);
    else out.add(`${m[1]}://${host}/*`);
  }
  return [...out];
}
