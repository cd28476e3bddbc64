/** The push decision of SPEC 1.7, as one pure function over plain data. */
import { mentions, type PreparedMessage } from './message-flags.ts';
import type { AppSettings, ConversationSettings, PushPolicy, ReasonCode, RemindType } from './model.ts';
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

function no(reason: ReasonCode): Decision {
  return { push: false, reason, devices: NONE };
}

/** Step 3: which devices may get a push under the multi-device policy, or why none. */
export function eligibleDevices(devices: readonly DeviceState[], policy: PushPolicy): { devices: string[] } | { reason: ReasonCode } {
  let anyOnline = false;
  let boundOnline = false;
  let boundKicked = false;
  const eligible: string[] = [];
  for (const d of devices) {
    if (d.status === 'online') {
      anyOnline = true;
      if (d.bound) boundOnline = true;
    } else if (d.bound) {
      if (d.status === 'kicked') boundKicked = true;
      else eligible.push(d.resource);
    }
  }
  if (policy === 'allOffline' && anyOnline) return { reason: 'ONLINE' };
  if (eligible.length > 0) return { devices: eligible };
  if (boundOnline) return { reason: 'ONLINE' };
  if (boundKicked) return { reason: 'KICKED' };
  return { reason: 'NO_BINDING' };
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
  if (input.recipient === input.message.from) return no('SENDER');
  if (input.message.silent) return no('SILENT_MESSAGE');
  const presence = eligibleDevices(input.devices, input.policy);
  if ('reason' in presence) return no(presence.reason);
  const verdict = settingsVerdict(input);
  if (verdict !== 'PUSH') return no(verdict);
  return { push: true, reason: 'PUSH', devices: presence.devices };
}
