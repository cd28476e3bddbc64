/**
 * A message's decisions as both engines store them, and one user's entry read back as the wire
 * entry of SPEC 3.8. A message is a handful of rows whatever the group size: one per (reason,
 * via, mention), holding the held users' names, or the pushed users with the devices each was
 * pushed to. Outcomes that come later live apart, one small row per device (trace_results), so
 * recording one does not rewrite a row holding thousands of users.
 */
import type { Mention, ReasonCode, Via } from '../../core/index.ts';
import type { ImMessage, NewTrace, TraceDevice, TraceEntry } from './ports.ts';

/** Reason, via, mention (and a pushed user's devices) travel as one text joined by U+001F. */
export const SEP = '\u001f';

/**
 * A pushed device as stored: [device_id, result] or [device_id, result, notifier]. Half the bytes
 * of the wire object, for each of a big group's thousands of pushed users.
 */
export type StoredDevice = [string, string, string?];

/** One stored row of a message: [reason, via, mention, users JSON]. */
export type DecisionRow = [string, string, string, string];

/**
 * Groups a message's decisions into rows: held ones list the names (a JSON array), pushed ones map
 * each name to its stored devices (a JSON object). The last pushed decision about a user wins, as
 * one row per user used to be replaced (a name listed twice is decided twice).
 */
export function decisionRows(rows: readonly NewTrace[]): { pushed: DecisionRow[]; held: DecisionRow[] } {
  const held = new Map<string, string[]>();
  const pushedBy = new Map<string, [string, TraceDevice[]]>();
  for (const [u, push, reason, devices, via, mention] of rows) {
    const key = `${reason}${SEP}${via ?? ''}${SEP}${mention ?? ''}`;
    if (push) {
      pushedBy.delete(u); // so the user lands under the key of their last decision
      pushedBy.set(u, [key, devices]);
    } else {
      const list = held.get(key);
      if (list) list.push(u);
      else held.set(key, [u]);
    }
  }
  const pushed = new Map<string, [string, StoredDevice[]][]>();
  for (const [u, [key, devices]] of pushedBy) {
    const entry: [string, StoredDevice[]] = [u, devices.map(storedDevice)];
    const list = pushed.get(key);
    if (list) list.push(entry);
    else pushed.set(key, [entry]);
  }
  const row = (key: string, users: string): DecisionRow => [...(key.split(SEP) as [string, string, string]), users];
  return {
    // fromEntries defines own properties, so even a user named __proto__ is a key.
    pushed: [...pushed].map(([key, users]) => row(key, JSON.stringify(Object.fromEntries(users)))),
    held: [...held].map(([key, users]) => row(key, JSON.stringify(users))),
  };
}

function storedDevice(d: TraceDevice): StoredDevice {
  return d.notifier === undefined ? [d.device_id, d.result] : [d.device_id, d.result, d.notifier];
}

/**
 * A pushed user's devices: those stored with the decision, each outcome recorded since applied in
 * the order it first arrived (`results`: [device_id, notifier, result], notifier '' = any). An
 * outcome for a device not in the list is appended, as a push to a device bound meanwhile.
 */
export function devicesOf(stored: readonly StoredDevice[], results: readonly [string, string, string][]): TraceDevice[] {
  const devices: TraceDevice[] = stored.map(([id, result, notifier]) => (notifier === undefined ? { device_id: id, result } : { device_id: id, notifier, result }));
  for (const [id, notifier, result] of results) {
    const d = devices.find((x) => x.device_id === id && (notifier === '' || x.notifier === notifier));
    if (d) d.result = result;
    else devices.push(notifier === '' ? { device_id: id, result } : { device_id: id, notifier, result });
  }
  return devices;
}

/**
 * The entry of one row read back: `decision` is reason, via and mention, followed by the stored
 * devices' JSON when the user was pushed; `results` the JSON of the outcomes recorded since.
 */
export function traceEntryOf(json: string, decision: string, results: string | null): TraceEntry {
  const [reason, via, mention, stored] = decision.split(SEP) as [ReasonCode, string, string, string?];
  const push = stored !== undefined;
  const devices = push ? devicesOf(JSON.parse(stored) as StoredDevice[], results ? (JSON.parse(results) as [string, string, string][]) : []) : [];
  const m = JSON.parse(json) as ImMessage;
  const entry: TraceEntry = { messageId: m.id, ts: m.ts, push, reason, devices };
  if (m.kind === 'summary') {
    const b = m.body as { count?: number; mentions?: number; conversations?: unknown[] };
    entry.summary = { count: b.count ?? 0, mentions: b.mentions ?? 0, conversations: b.conversations?.length ?? 0 };
  } else {
    entry.conversation = m.conversation;
    entry.from = m.from;
  }
  if (via) entry.via = via as Via;
  if (mention) entry.mention = mention as Mention;
  return entry;
}
