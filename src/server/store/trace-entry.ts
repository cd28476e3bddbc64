/** One trace row as both engines read it back, turned into the wire entry of SPEC 3.8. */
import type { Mention, ReasonCode, Via } from '../../core/index.ts';
import type { ImMessage, TraceDevice, TraceEntry } from './ports.ts';

/** Reason, via and mention travel as one text joined by U+001F (held rows keep them per group of users). */
export const SEP = '\u001f';

export function traceEntryOf(json: string, push: boolean, rvm: string, devices: string): TraceEntry {
  const m = JSON.parse(json) as ImMessage;
  const [reason, via, mention] = rvm.split(SEP) as [ReasonCode, string?, string?];
  const entry: TraceEntry = { messageId: m.id, ts: m.ts, push, reason, devices: JSON.parse(devices) as TraceDevice[] };
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

/** Groups held decisions by (reason, via, mention): a big group writes a handful of rows. */
export function groupHeld(rows: readonly [string, boolean, ReasonCode, TraceDevice[], Via?, Mention?][]): {
  pushed: [string, ReasonCode, TraceDevice[], string, string][];
  held: Map<string, string[]>;
} {
  const held = new Map<string, string[]>();
  const pushed: [string, ReasonCode, TraceDevice[], string, string][] = [];
  for (const [u, push, reason, devices, via, mention] of rows) {
    if (push) pushed.push([u, reason, devices, via ?? '', mention ?? '']);
    else {
      const key = `${reason}${SEP}${via ?? ''}${SEP}${mention ?? ''}`;
      const list = held.get(key);
      if (list) list.push(u);
      else held.set(key, [u]);
    }
  }
  return { pushed, held };
}
