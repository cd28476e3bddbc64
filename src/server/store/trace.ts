/** The record of every push decision (SPEC 3.8), with each device's delivery outcome. */
import type { Db } from './db.ts';
import type { NewTrace, TraceDevice, TraceEntry, TracePort } from './ports.ts';
import { groupHeld, traceEntryOf } from './trace-entry.ts';

export type { NewTrace, TraceDevice, TraceEntry };

export class TraceRepo implements TracePort {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      // Held decisions: one row per reason holding the JSON array of names.
      insertHeld: db.prepare('INSERT INTO trace_held (seq, reason, via, mention, users) VALUES (?, ?, ?, ?, ?)'),
      // Pushed decisions: one statement for all of them ([username, reason, devices, via, mention]; `->` keeps devices as JSON text).
      insertPushedMany: db.prepare(
        `INSERT OR REPLACE INTO trace (seq, username, push, reason, devices, via, mention)
         SELECT ?, j.value->>0, 1, j.value->>1, j.value->2, j.value->>3, j.value->>4 FROM json_each(?) j`,
      ),
      // The newest log rows of a group the user is in (one short index range per group).
      joined: db.prepare('SELECT group_id, since FROM group_members WHERE username = ?'),
      logTop: db.prepare('SELECT seq FROM group_log WHERE group_id = ? AND seq > ? ORDER BY seq DESC LIMIT ?').pluck(),
      // A user's decisions: messages they received (inbox, or the log of a group since they
      // joined it: logTop's rows, passed in as ?3) or sent, newest first.
      // Names are [a-z0-9_.-], so the quoted name matches exactly inside the JSON array.
      last: db.prepare(
        `SELECT * FROM (
           SELECT s.seq, COALESCE(t.push, 0) AS push, COALESCE(t.devices, '[]') AS devices, m.json,
             COALESCE(t.reason || char(31) || t.via || char(31) || t.mention,
               (SELECT h.reason || char(31) || h.via || char(31) || h.mention FROM trace_held h WHERE h.seq = s.seq AND instr(h.users, '"' || ?1 || '"') > 0)) AS reason
           FROM (
             SELECT seq FROM (SELECT seq FROM inbox WHERE username = ?1 ORDER BY seq DESC LIMIT ?2)
             UNION SELECT seq FROM (SELECT seq FROM messages WHERE sender = ?1 ORDER BY seq DESC LIMIT ?2)
             UNION SELECT value FROM json_each(?3)
           ) s LEFT JOIN trace t ON t.seq = s.seq AND t.username = ?1 JOIN messages m ON m.seq = s.seq
         ) WHERE reason IS NOT NULL ORDER BY seq DESC LIMIT ?2`,
      ),
      devices: db.prepare('SELECT devices FROM trace WHERE seq = ? AND username = ?').pluck(),
      setDevices: db.prepare('UPDATE trace SET devices = ? WHERE seq = ? AND username = ?'),
    };
  }
  /** Records every decision about one message (seq): one statement for the pushed, one row per (reason, via, mention) for the held. */
  addMany(seq: number, rows: readonly NewTrace[]): void {
    const { pushed, held } = groupHeld(rows);
    // One statement for a big group's thousands of pushes, instead of one per user.
    if (pushed.length) this.s.insertPushedMany.run(seq, JSON.stringify(pushed));
    for (const [key, users] of held) {
      const [reason, via, mention] = key.split('\u001f');
      this.s.insertHeld.run(seq, reason, via, mention, JSON.stringify(users));
    }
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
    const logged: number[] = [];
    for (const g of this.s.joined.all(username) as { group_id: string; since: number }[]) {
      logged.push(...(this.s.logTop.all(g.group_id, g.since, limit) as number[]));
    }
    const rows = this.s.last.all({ 1: username, 2: limit, 3: JSON.stringify(logged) }) as { push: number; reason: string; devices: string; json: string }[];
    return rows.map((r) => traceEntryOf(r.json, r.push === 1, r.reason, r.devices));
  }
}
