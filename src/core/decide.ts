/** The push decision of SPEC 1.8, as one pure function over plain data. */
import type { PreparedMessage } from './message-flags.ts';
import {
  type AppSettings, type ConversationSettings, type Mention, type PushPolicy, REASON_CODES, type ReasonCode, type RemindType,
  type Via,
} from './model.ts';
import { appWallQuiet } from './quiet-hours.ts';
import { prepareRecipient, type RecipientRules } from './recipient.ts';

export type DeviceStatus = 'online' | 'offline' | 'kicked';

/** One of the recipient's devices (a resource), its presence, and whether it has a usable push binding. */
export interface DeviceState {
  readonly resource: string;
  readonly status: DeviceStatus;
  readonly bound: boolean;
}

export interface DecisionInput {
  /** Recipient username (normalised lower case, like `message.from`). */
  readonly recipient: string;
  readonly message: PreparedMessage;
  readonly app: AppSettings;
  /** The recipient's settings for this conversation, if any. */
  readonly conversation?: ConversationSettings;
  readonly devices: readonly DeviceState[];
  readonly policy: PushPolicy;
  /** Advanced push features (remind type, DND and SPEC 1.7) on for the app. */
  readonly advanced: boolean;
  readonly now: number;
  /** `prepareRecipient(app)`, when the caller holds it; otherwise looked up (cached) only if needed. */
  readonly rules?: RecipientRules;
}

export interface Decision {
  readonly push: boolean;
  readonly reason: ReasonCode;
  /** Resources to push to (empty unless push). */
  readonly devices: readonly string[];
  /** Set when do-not-disturb was in force and the message went through it. */
  readonly via?: Via;
  /** Set whenever the message mentions the recipient (decisions from step 4 on). */
  readonly mention?: Mention;
}

/** Steps 4–6 alone: the reason, and how the message went through DND or mentions the recipient. */
export interface SettingsOutcome {
  readonly reason: ReasonCode;
  readonly via?: Via;
  readonly mention?: Mention;
}

const NONE: readonly string[] = Object.freeze([]);

/** One shared, frozen answer per reason: a decision that sends nothing allocates nothing. */
const NO = Object.fromEntries(
  REASON_CODES.map((reason) => [reason, Object.freeze({ push: false, reason, devices: NONE })]),
) as unknown as Readonly<Record<ReasonCode, Decision>>;

/**
 * Step 3 without allocating: why no device may get a push under the policy, or null when at
 * least one offline bound device may (a group message asks this once per member).
 */
function presenceBlock(devices: readonly DeviceState[], policy: PushPolicy): ReasonCode | null {
  let anyOnline = false;
  let boundOnline = false;
  let boundKicked = false;
  let anyEligible = false;
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i]!;
    if (d.status === 'online') {
      anyOnline = true;
      if (d.bound) boundOnline = true;
    } else if (d.bound) {
      if (d.status === 'kicked') boundKicked = true;
      else anyEligible = true;
    }
  }
  if (policy === 'allOffline' && anyOnline) return 'ONLINE';
  if (anyEligible) return null;
  if (boundOnline) return 'ONLINE';
  if (boundKicked) return 'KICKED';
  return 'NO_BINDING';
}

/** Offline devices with a binding, in input order. */
function offlineBound(devices: readonly DeviceState[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i]!;
    if (d.bound && d.status === 'offline') out.push(d.resource);
  }
  return out;
}

/** Step 3: which devices may get a push under the multi-device policy, or why none. */
export function eligibleDevices(devices: readonly DeviceState[], policy: PushPolicy): { devices: string[] } | { reason: ReasonCode } {
  const blocked = presenceBlock(devices, policy);
  return blocked === null ? { devices: offlineBound(devices) } : { reason: blocked };
}

/** The remind type in force for a conversation: its own when set, else the app's. */
export function effectiveRemindType(app: AppSettings, conversation: ConversationSettings | undefined): RemindType {
  return conversation?.type ?? app.type;
}

type SettingsInput = Pick<DecisionInput, 'recipient' | 'message' | 'app' | 'conversation' | 'advanced' | 'now' | 'rules'>;

// Steps 4–6 answer with one small integer: the reason's index in REASON_CODES, how the message
// went through DND and how it mentions the recipient. Pure, and a group fan-out allocates nothing
// for the common decision.
/** A module-local copy: an imported binding is read through a getter on every access once bundled for Node. */
const REASONS: readonly ReasonCode[] = [...REASON_CODES];
const R = Object.fromEntries(REASONS.map((r, i) => [r, i])) as unknown as Readonly<Record<ReasonCode, number>>;
const R_PUSH = R.PUSH;
const R_DND_APP_DURATION = R.DND_APP_DURATION;
const R_DND_APP_WINDOW = R.DND_APP_WINDOW;
const R_DND_CONVERSATION = R.DND_CONVERSATION;
const R_REMIND_NONE = R.REMIND_NONE;
const R_REMIND_AT_NOT_MENTIONED = R.REMIND_AT_NOT_MENTIONED;
/** Local copies of imported functions: see quiet-hours.ts, why. */
const wallQuiet = appWallQuiet;
const VIA_SHIFT = 4;
const MENTION_SHIFT = 6;
const VIAS: readonly (Via | undefined)[] = [undefined, 'FORCED', 'PRIORITY_SENDER'];
const MENTIONS: readonly (Mention | undefined)[] = [undefined, 'AT', 'ALL', 'DIRECT', 'KEYWORD'];

function mentionCode(message: PreparedMessage, recipient: string, app: AppSettings, rules: RecipientRules | undefined, withRules: boolean): number {
  if (message.mentioned.size > 0 && message.mentioned.has(recipient)) return 1;
  if (message.mentionAll) return 2;
  if (!withRules) return 0;
  if (message.conversation.type === 'singleChat') return 3;
  if (message.textLower !== undefined && app.keywords !== undefined && app.keywords.length > 0) {
    if ((rules ?? prepareRecipient(app)).keywords.testLower(message.textLower)) return 4;
  }
  return 0;
}

/**
 * How the message mentions `recipient` (lower case), the first that applies of AT, ALL, DIRECT,
 * KEYWORD; `withRules` false (advanced features off) reads `em_at_list` only.
 */
export function mentionOf(
  message: PreparedMessage,
  recipient: string,
  app: AppSettings,
  rules: RecipientRules | undefined,
  withRules = true,
): Mention | undefined {
  return MENTIONS[mentionCode(message, recipient, app, rules, withRules)];
}

/** Is the sender one of the recipient's priority senders? */
function fromPrioritySender(input: SettingsInput): boolean {
  const list = input.app.prioritySenders;
  if (list === undefined || list.length === 0) return false;
  return (input.rules ?? prepareRecipient(input.app)).prioritySenders.has(input.message.from.toLowerCase());
}

function steps4to6(input: SettingsInput): number {
  const { app, conversation, message, now, recipient } = input;
  if (!input.advanced) return R_PUSH | (mentionCode(message, recipient, app, input.rules, false) << MENTION_SHIFT);
  // Step 5: do-not-disturb, first match in this order.
  let dnd = -1;
  if (app.durationUntil > now) dnd = R_DND_APP_DURATION;
  else if (wallQuiet(app, now)) dnd = R_DND_APP_WINDOW;
  else if (conversation !== undefined && conversation.durationUntil > now) dnd = R_DND_CONVERSATION;
  // Recorded in any mode: the trace says "mentions you", the summary counts it.
  const mention = mentionCode(message, recipient, app, input.rules, true);
  let via = 0;
  if (dnd >= 0) {
    if (message.forced) via = 1;
    else if (fromPrioritySender(input)) via = 2;
    else return dnd | (mention << MENTION_SHIFT);
  }
  // Step 6: remind type; through DND or not, NONE and AT still apply.
  const type = conversation?.type ?? app.type;
  if (type === 'NONE') return R_REMIND_NONE | (mention << MENTION_SHIFT);
  if (type === 'AT' && mention === 0) return R_REMIND_AT_NOT_MENTIONED;
  return R_PUSH | (via << VIA_SHIFT) | (mention << MENTION_SHIFT);
}

/**
 * Steps 4–6 of SPEC 1.8: would the recipient's settings let this message through at `now`?
 * Shared by decide() and the check endpoint (SPEC 3.8).
 */
export function settingsOutcome(input: SettingsInput): SettingsOutcome {
  const code = steps4to6(input);
  const out: { reason: ReasonCode; via?: Via; mention?: Mention } = { reason: REASONS[code & 15]! };
  const via = VIAS[(code >> VIA_SHIFT) & 3];
  const mention = MENTIONS[code >> MENTION_SHIFT];
  if (via !== undefined) out.via = via;
  if (mention !== undefined) out.mention = mention;
  return out;
}

/** Steps 4–7 as a reason code only: PUSH or why the message is held back. */
export function settingsVerdict(input: SettingsInput): ReasonCode {
  return REASONS[steps4to6(input) & 15]!;
}

/** Decides whether recipient `input.recipient` gets a push for the message, and to which devices. */
export function decide(input: DecisionInput): Decision {
  if (input.recipient === input.message.from) return NO.SENDER;
  if (input.message.silent) return NO.SILENT_MESSAGE;
  const blocked = presenceBlock(input.devices, input.policy);
  if (blocked !== null) return NO[blocked];
  const code = steps4to6(input);
  if (code === R_PUSH) return { push: true, reason: 'PUSH', devices: offlineBound(input.devices) };
  const reason = REASONS[code & 15]!;
  const mention = MENTIONS[code >> MENTION_SHIFT];
  if (reason !== 'PUSH') return mention === undefined ? NO[reason] : { push: false, reason, devices: NONE, mention };
  const via = VIAS[(code >> VIA_SHIFT) & 3];
  const d: { push: true; reason: 'PUSH'; devices: string[]; via?: Via; mention?: Mention } = { push: true, reason, devices: offlineBound(input.devices) };
  if (via !== undefined) d.via = via;
  if (mention !== undefined) d.mention = mention;
  return d;
}
