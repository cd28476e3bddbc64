/** The push decision of SPEC 1.7, as one pure function over plain data. */
import { mentions, type PreparedMessage } from './message-flags.ts';
import { type AppSettings, type ConversationSettings, type PushPolicy, REASON_CODES, type ReasonCode, type RemindType } from './model.ts';
import { appWindowActive } from './quiet-hours.ts';

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
  /** Advanced push features (remind type and DND) on for the app. */
  readonly advanced: boolean;
  readonly now: number;
}

export interface Decision {
  readonly push: boolean;
  readonly reason: ReasonCode;
  /** Resources to push to (empty unless push). */
  readonly devices: readonly string[];
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

/**
 * Steps 4–7: would the recipient's settings let this message through at `now`?
 * Returns PUSH or the reason it is held back.
 */
export function settingsVerdict(
  input: Pick<DecisionInput, 'recipient' | 'message' | 'app' | 'conversation' | 'advanced' | 'now'>,
): ReasonCode {
  if (!input.advanced) return 'PUSH';
  const { app, conversation, message, now } = input;
  if (!message.forced) {
    if (app.durationUntil > now) return 'DND_APP_DURATION';
    if (appWindowActive(app, now)) return 'DND_APP_WINDOW';
    if (conversation && conversation.durationUntil > now) return 'DND_CONVERSATION';
  }
  const type = effectiveRemindType(app, conversation);
  if (type === 'NONE') return 'REMIND_NONE';
  if (type === 'AT' && !mentions(message, input.recipient)) return 'REMIND_AT_NOT_MENTIONED';
  return 'PUSH';
}

/** Decides whether recipient `input.recipient` gets a push for the message, and to which devices. */
export function decide(input: DecisionInput): Decision {
  if (input.recipient === input.message.from) return NO.SENDER;
  if (input.message.silent) return NO.SILENT_MESSAGE;
  const blocked = presenceBlock(input.devices, input.policy);
  if (blocked !== null) return NO[blocked];
  const verdict = settingsVerdict(input);
  if (verdict !== 'PUSH') return NO[verdict];
  return { push: true, reason: 'PUSH', devices: offlineBound(input.devices) };
}
