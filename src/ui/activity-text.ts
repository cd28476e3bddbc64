/**
 * Push decisions in words (SPEC 5 "recent activity"): "Held: quiet hours", "Pushed: mentions
 * you", "Pushed through quiet hours: priority person", "Summary: 12 messages in 3 chats".
 * One table of reasons, used for the trace and for "Would this notify me?".
 */
import type { Mention, ReasonCode, Via } from '../core/index.ts';
import { t, type Translate, uiLanguage } from '../shared/i18n.ts';
import type { ActivityItem, CheckView } from '../shared/protocol.ts';
import { summaryCounts } from '../shared/summary-text.ts';

/** Why a message was held or not pushed, as a short phrase. */
const HELD: Readonly<Record<Exclude<ReasonCode, 'PUSH' | 'SUMMARY'>, string>> = {
  SENDER: 'optionsWhyOwnMessage',
  SILENT_MESSAGE: 'optionsWhySilent',
  ONLINE: 'optionsWhyOnline',
  KICKED: 'optionsWhyKicked',
  NO_BINDING: 'optionsWhyNoBinding',
  DND_APP_WINDOW: 'optionsWhyQuietHours',
  DND_APP_DURATION: 'optionsWhyPaused',
  DND_CONVERSATION: 'optionsWhyChatMuted',
  REMIND_NONE: 'optionsWhyModeNone',
  REMIND_AT_NOT_MENTIONED: 'optionsWhyNotMentioned',
};

const VIA: Readonly<Record<Via, string>> = { PRIORITY_SENDER: 'optionsWhyPriority', FORCED: 'optionsWhyForced' };
const MENTION: Readonly<Record<Mention, string>> = {
  AT: 'optionsWhyMentionsYou',
  ALL: 'optionsWhyMentionsAll',
  DIRECT: 'optionsWhyDirect',
  KEYWORD: 'optionsWhyKeyword',
};

/** Delivery did not reach the device and the user never saw it (the server's reason stays PUSH). */
const DELIVERY_BLOCKED = new Set(['ONLINE', 'KICKED', 'NO_BINDING', 'SENDER', 'SILENT_MESSAGE']);

/** The part of a decision that says why, without the verdict ("quiet hours", "priority person"). */
export function whyText(d: { reason: ReasonCode; via?: Via; mention?: Mention }, tr: Translate = t): string {
  if (d.reason === 'PUSH' || d.reason === 'SUMMARY') {
    if (d.via) return tr(VIA[d.via]);
    return d.mention ? tr(MENTION[d.mention]) : '';
  }
  return tr(HELD[d.reason]);
}

/** One trace row as a sentence. */
export function activitySentence(item: Pick<ActivityItem, 'push' | 'reason' | 'via' | 'mention' | 'summary'>, tr: Translate = t, locale = uiLanguage()): string {
  if (item.reason === 'SUMMARY') {
    const s = item.summary ?? { count: 0, mentions: 0, conversations: 0 };
    return tr('optionsActivitySummary', summaryCounts({ count: s.count, mentions: s.mentions, chats: s.conversations }, { t: tr, locale }));
  }
  const why = whyText(item, tr);
  if (item.reason === 'PUSH') {
    if (item.via) return tr('optionsActivityPushedThrough', why);
    return why ? tr('optionsActivityPushedWhy', why) : tr('optionsActivityPushed');
  }
  if (DELIVERY_BLOCKED.has(item.reason)) return tr('optionsActivityNotPushed', why);
  // A held message that mentions you is worth knowing about (it waits in the summary, if on).
  return item.mention && item.reason !== 'REMIND_AT_NOT_MENTIONED'
    ? tr('optionsActivityHeldMention', [why, tr(MENTION[item.mention])])
    : tr('optionsActivityHeld', why);
}

/** "Yes — through quiet hours: priority person" / "No — quiet hours". */
export function checkSentence(c: CheckView, tr: Translate = t): string {
  const why = whyText(c, tr);
  if (c.push) {
    if (c.via) return tr('optionsCheckYesThrough', why);
    return why ? tr('optionsCheckYesWhy', why) : tr('optionsCheckYes');
  }
  return tr('optionsCheckNo', why);
}
