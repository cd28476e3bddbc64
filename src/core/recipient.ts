/**
 * A recipient's 1.7 settings compiled once (priority senders as a set, keywords as one regular
 * expression) and cached per AppSettings object, so a group fan-out compiles each recipient once.
 */
import { compileKeywords, type KeywordMatcher } from './keywords.ts';
import type { AppSettings } from './model.ts';

export interface RecipientRules {
  /** Lower-case usernames whose messages go through do-not-disturb. */
  readonly prioritySenders: ReadonlySet<string>;
  readonly keywords: KeywordMatcher;
}

const EMPTY_RULES: RecipientRules = Object.freeze({ prioritySenders: new Set<string>(), keywords: compileKeywords([]) });
const cache = new WeakMap<AppSettings, RecipientRules>();

/**
 * The compiled rules of `app`, cached per settings object (stored settings are replaced, never
 * mutated, so a changed setting is a new object and compiles afresh).
 */
export function prepareRecipient(app: AppSettings): RecipientRules {
  const senders = app.prioritySenders;
  const keywords = app.keywords;
  if ((senders === undefined || senders.length === 0) && (keywords === undefined || keywords.length === 0)) return EMPTY_RULES;
  let rules = cache.get(app);
  if (!rules) {
    rules = Object.freeze({
      prioritySenders: new Set((senders ?? []).map((s) => s.toLowerCase())),
      keywords: compileKeywords(keywords ?? []),
    });
    cache.set(app, rules);
  }
  return rules;
}
