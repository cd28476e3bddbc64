/** The record of every push decision (SPEC 3.8), with each device's delivery outcome. */
import type { ReasonCode } from '../../core/index.ts';
import type { Db } from './db.ts';
import type { ImMessage, NewTrace, TraceDevice, TraceEntry, TracePort } from './ports.ts';

export type { NewTrace, TraceDevice, TraceEntry };


export class TraceRepo implements TracePort {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      // Held decisions: one row per reason holding the JSON array of names.
      insertHeld: db.prepare('INSERT INTO trace_held (seq, reason, users) VALUES (?, ?, ?)'),
      // Pushed decisions: one statement for all of them ([username, devices] pairs; `->` keeps devices as JSON text).
      insertPushedMany: db.prepare(
        `INSERT OR REPLACE INTO trace (seq, username, push, reason, devices) SELECT ?, j.value->>0, 1, 'PUSH', j.value->1 FROM json_each(?) j`,
      ),
      // A user's decisions: messages they received (inbox) or sent, newest first.
      // Names are [a-z0-9_.-], so the quoted name matches exactly inside the JSON array.
      last: db.prepare(
        `SELECT * FROM (
           SELECT s.seq, COALESCE(t.push, 0) AS push, COALESCE(t.devices, '[]') AS devices, m.json,
             COALESCE(t.reason, (SELECT h.reason FROM trace_held h WHERE h.seq = s.seq AND instr(h.users, '"' || ?1 || '"') > 0)) AS reason
           FROM (
             SELECT seq FROM (SELECT seq FROM inbox WHERE username = ?1 ORDER BY seq DESC LIMIT ?2)
             UNION SELECT seq FROM (SELECT seq FROM messages WHERE sender = ?1 ORDER BY seq DESC LIMIT ?2)
           ) s LEFT JOIN trace t ON t.seq = s.seq AND t.username = ?1 JOIN messages m ON m.seq = s.seq
         ) WHERE reason IS NOT NULL ORDER BY seq DESC LIMIT ?2`,
      ),
      devices: db.prepare('SELECT devices FROM trace WHERE seq = ? AND username = ?').pluck(),
      setDevices: db.prepare('UPDATE trace SET devices = ? WHERE seq = ? AND username = ?'),
    };
  }
  /** Records every decision about one message (seq) in one statement. */
  addMany(seq: number, rows: readonly NewTrace[]): void {
    const held = new Map<ReasonCode, string[]>();
    const pushed: [string, TraceDevice[]][] = [];
    for (const [u, push, reason, devices] of rows) {
      if (push) pushed.push([u, devices]);
      else {
        const list = held.get(reason);
        if (list) list.push(u);
        else held.set(reason, [u]);
      }
    }
    // One statement for a big group's thousands of pushes, instead of one per user.
    if (pushed.length) this.s.insertPushedMany.run(seq, JSON.stringify(pushed));
    for (const [reason, users] of held) this.s.insertHeld.run(seq, reason, JSON.stringify(users));
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
