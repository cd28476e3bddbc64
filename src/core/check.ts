/**
 * "Would such a message notify me, and why?" (SPEC 3.8): steps 4–6 of SPEC 1.8 for a
 * hypothetical message, from the user's settings only.
 */
import { settingsOutcome } from './decide.ts';
import { keywordText } from './keywords.ts';
import type { PreparedMessage } from './message-flags.ts';
import type { AppSettings, ConversationRef, ConversationSettings, Mention, ReasonCode, Via } from './model.ts';
import { quietStatus } from './quiet-hours.ts';
import type { RecipientRules } from './recipient.ts';

export interface CheckInput {
  /** The asking user (lower case). */
  readonly recipient: string;
  readonly app: AppSettings;
  /** The user's settings for `conversation`, if any. */
  readonly conversationSettings?: ConversationSettings;
  readonly conversation: ConversationRef;
  /** Sender of the hypothetical message; absent = someone who is not a priority sender. */
  readonly from?: string;
  /** Its text, for keywords. */
  readonly text?: string;
  /** Does it mention the user by name (`em_at_list`)? */
  readonly mentioned?: boolean;
  /** When it would arrive. */
  readonly at: number;
  /** Advanced push features on for the app. */
  readonly advanced: boolean;
  readonly rules?: RecipientRules;
}

export interface CheckResult {
  readonly push: boolean;
  readonly reason: ReasonCode;
  readonly via?: Via;
  readonly mention?: Mention;
  /** When do-not-disturb is in force at `at`: the first instant it no longer is (absent if never). */
  readonly quietUntil?: number;
}

/** The check endpoint's answer (SPEC 3.8), pure. */
export function checkDecision(input: CheckInput): CheckResult {
  const { recipient } = input;
  const message: PreparedMessage = {
    id: 'check',
    // As sent: the decision compares the sender with priority senders case-insensitively.
    from: input.from ?? '',
    conversation: input.conversation,
    silent: false,
    forced: false,
    mentionAll: false,
    mentioned: new Set(input.mentioned ? [recipient] : []),
    ...(input.text ? { textLower: keywordText(input.text) } : {}),
  };
  const o = settingsOutcome({
    recipient,
    message,
    app: input.app,
    conversation: input.conversationSettings,
    advanced: input.advanced,
    now: input.at,
    rules: input.rules,
  });
  const out: { push: boolean; reason: ReasonCode; via?: Via; mention?: Mention; quietUntil?: number } = { push: o.reason === 'PUSH', reason: o.reason };
  if (o.via) out.via = o.via;
  if (o.mention) out.mention = o.mention;
  if (o.via || o.reason.startsWith('DND_')) {
    const until = quietStatus(input.app, input.conversationSettings, input.at).quietUntil;
    if (until !== null) out.quietUntil = until;
  }
  return out;
}
