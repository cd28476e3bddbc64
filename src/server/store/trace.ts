/** The record of every push decision (SPEC 3.8), with each device's delivery outcome. */
import type { ConversationRef, ReasonCode } from '../../core/index.ts';
import type { Db } from './db.ts';
import type { ImMessage } from './messages.ts';

export interface TraceDevice {
  device_id: string;
  /** The certificate the push went through (a device may have a webpush and a stream binding). */
  notifier?: string;
  result: string;
}

export interface TraceEntry {
  messageId: string;
  ts: number;
  conversation: ConversationRef;
  push: boolean;
  reason: ReasonCode;
  devices: TraceDevice[];
}

/** One decision to record: [username, push, reason, devices]. */
export type NewTrace = [string, boolean, ReasonCode, TraceDevice[]];

export class TraceRepo {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      // Held decisions: one statement per reason over a plain array of names (no per-row JSON parsing).
      insertHeld: db.prepare(`INSERT OR REPLACE INTO trace (seq, username, push, reason, devices) SELECT ?, value, 0, ?, '[]' FROM json_each(?)`),
      // Pushes: "username<US>devices-json" strings, split with substr/instr.
      insertPushed: db.prepare(
        `INSERT OR REPLACE INTO trace (seq, username, push, reason, devices)
         SELECT ?, substr(value, 1, instr(value, char(31)) - 1), 1, 'PUSH', substr(value, instr(value, char(31)) + 1) FROM json_each(?)`,
      ),
      // A user's decisions: messages they received (inbox) or sent, newest first.
      last: db.prepare(
        `SELECT t.push, t.reason, t.devices, m.json FROM (
           SELECT seq FROM (SELECT seq FROM inbox WHERE username = ?1 ORDER BY seq DESC LIMIT ?2)
           UNION SELECT seq FROM (SELECT seq FROM messages WHERE sender = ?1 ORDER BY seq DESC LIMIT ?2)
         ) s JOIN trace t ON t.seq = s.seq AND t.username = ?1 JOIN messages m ON m.seq = s.seq
         ORDER BY s.seq DESC LIMIT ?2`,
      ),
      devices: db.prepare('SELECT devices FROM trace WHERE seq = ? AND username = ?').pluck(),
      setDevices: db.prepare('UPDATE trace SET devices = ? WHERE seq = ? AND username = ?'),
    };
  }
  /** Records every decision about one message (seq) in one statement. */
  addMany(seq: number, rows: readonly NewTrace[]): void {
    const held = new Map<ReasonCode, string[]>();
    const pushed: string[] = [];
    for (const [u, push, reason, devices] of rows) {
      if (push) pushed.push(`${u}\u001f${JSON.stringify(devices)}`);
      else {
        const list = held.get(reason);
        if (list) list.push(u);
        else held.set(reason, [u]);
      }
    }
    for (const [reason, users] of held) this.s.insertHeld.run(seq, reason, JSON.stringify(users));
    if (pushed.length) this.s.insertPushed.run(seq, JSON.stringify(pushed));
  }
  /** Sets the outcome for one device of a recorded decision. */
  setResult(username: string, seq: number, deviceId: string, result: string, notifier?: string): void {
    const raw = this.s.devices.get(seq, username) as string | undefined;
    if (raw === undefined) return;
    const devices = JSON.parse(raw) as TraceDevice[];
    const d = devices.find((x) => x.device_id === deviceId && (notifier === undefined || x.notifier === notifier));
    if (d) d.result = result;
    else devices.push({ device_id: deviceId, ...(notifier ? { notifier } : {}), result });
    this.s.setDevices.run(JSON.stringify(devices), seq, username);
  }
  /** The user's last `limit` decisions, newest first. */
  last(username: string, limit: number): TraceEntry[] {
    const rows = this.s.last.all({ 1: username, 2: limit }) as { push: number; reason: ReasonCode; devices: string; json: string }[];
    return rows.map((r) => {
      const m = JSON.parse(r.json) as ImMessage;
      return { messageId: m.id, ts: m.ts, conversation: m.conversation, push: r.push === 1, reason: r.reason, devices: JSON.parse(r.devices) as TraceDevice[] };
    });
  }
}
