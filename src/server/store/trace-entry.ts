/**
 * A message's decisions as both engines store them, and one user's entry read back as the wire
 * entry of SPEC 3.8. A message is a few rows, not one per user: held users' names one row per
 * (reason, via, mention); pushed users with the devices each was pushed to, by (reason, via,
 * mention) too, in rows of up to USERS_PER_ROW names. Outcomes that come later live apart, one
 * small row per device (trace_results), so recording one rewrites no row of other users.
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

/**
 * Pushed users per row at most. A lookup reads the one row whose name range holds the user: a few
 * KB, where one row of 3,000 users was ~160 KB to decompress (PostgreSQL) or read (SQLite) for
 * each entry of a user's trace.
 */
export const USERS_PER_ROW = 128;

/** A held row: [reason, via, mention, JSON array of names]. */
export type HeldRow = [string, string, string, string];
/** A pushed row: [lo, hi, reason, via, mention, JSON object name → devices]; lo and hi are its first and last name in byte order. */
export type PushedRow = [string, string, string, string, string, string];

/**
 * Groups a message's decisions into rows: held ones list the names, pushed ones map each name to
 * its stored devices, up to USERS_PER_ROW names in byte order per row. The last pushed decision
 * about a user wins, as one row per user used to be replaced (a name listed twice is decided
 * twice), so each pushed name is in exactly one row and a row's first name is unique per message.
 * A message's decisions are written once, with the message (its seq is new).
 */
export function decisionRows(rows: readonly NewTrace[]): { pushed: PushedRow[]; held: HeldRow[] } {
  const held = new Map<string, string[]>();
  const pushedBy = new Map<string, [string, TraceDevice[]]>();
  const keyOf = rowKeys();
  for (const [u, push, reason, devices, via, mention] of rows) {
    const key = keyOf(reason, via ?? '', mention ?? '');
    if (push) pushedBy.set(u, [key, devices]);
    else {
      const list = held.get(key);
      if (list) list.push(u);
      else held.set(key, [u]);
    }
  }
  const byKey = new Map<string, [string, StoredDevice[]][]>();
  for (const [u, [key, devices]] of pushedBy) {
    const entry: [string, StoredDevice[]] = [u, devices.map(storedDevice)];
    const list = byKey.get(key);
    if (list) list.push(entry);
    else byKey.set(key, [entry]);
  }
  const pushed: PushedRow[] = [];
  for (const [key, users] of byKey) {
    const [reason, via, mention] = key.split(SEP) as [string, string, string];
    // Names are ASCII, so JS order is the byte order SQLite (BINARY) and PostgreSQL (COLLATE "C") compare in.
    users.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (let i = 0; i < users.length; i += USERS_PER_ROW) {
      const chunk = users.slice(i, i + USERS_PER_ROW);
      // fromEntries defines own properties, so even a user named __proto__ is a key.
      pushed.push([chunk[0]![0], chunk.at(-1)![0], reason, via, mention, JSON.stringify(Object.fromEntries(chunk))]);
    }
  }
  return { pushed, held: [...held].map(([key, users]) => [...(key.split(SEP) as [string, string, string]), JSON.stringify(users)]) };
}

/**
 * The row key of (reason, via, mention), one string per distinct triple: they come from small
 * fixed sets, and building and hashing a new string for each of a big group's 10,000 decisions
 * cost more than the rest of this function (B2).
 */
function rowKeys(): (reason: string, via: string, mention: string) => string {
  const keys = new Map<string, Map<string, Map<string, string>>>();
  return (reason, via, mention) => {
    let byVia = keys.get(reason);
    if (!byVia) keys.set(reason, (byVia = new Map()));
    let byMention = byVia.get(via);
    if (!byMention) byVia.set(via, (byMention = new Map()));
    let key = byMention.get(mention);
    if (key === undefined) byMention.set(mention, (key = `${reason}${SEP}${via}${SEP}${mention}`));
    return key;
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
