/** The record of every push decision (SPEC 3.8), with each device's delivery outcome. */
import type { Db } from './db.ts';
import type { NewTrace, TraceDevice, TraceEntry, TracePort } from './ports.ts';
import { decisionRows, traceEntryOf } from './trace-entry.ts';

export type { NewTrace, TraceDevice, TraceEntry };

export class TraceRepo implements TracePort {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      // Held decisions: one row per (reason, via, mention) holding the JSON array of names.
      insertHeld: db.prepare('INSERT INTO trace_held (seq, reason, via, mention, users) VALUES (?, ?, ?, ?, ?)'),
      // Pushed decisions: rows of name → devices as JSONB, which a lookup walks by stored sizes
      // instead of parsing the text.
      insertPushed: db.prepare('INSERT INTO trace_pushed (seq, lo, hi, reason, via, mention, users) VALUES (?, ?, ?, ?, ?, ?, jsonb(?))'),
      // A later outcome for the same device replaces the earlier one and keeps its place (ord).
      setResult: db.prepare(
        `INSERT INTO trace_results (seq, username, device_id, notifier, result) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (seq, username, device_id, notifier) DO UPDATE SET result = excluded.result`,
      ),
      // The newest log rows of a group the user is in (one short index range per group).
      joined: db.prepare('SELECT group_id, since FROM group_members WHERE username = ?'),
      logTop: db.prepare('SELECT seq FROM group_log WHERE group_id = ? AND seq > ? ORDER BY seq DESC LIMIT ?').pluck(),
      // A user's decisions: messages they received (inbox, or the log of a group since they
      // joined it: logTop's rows, passed in as ?3) or sent, newest first. Pushed: the user's
      // devices from the row whose name range holds them (?4 is the path of their name; max()
      // skips a row of another (reason, via, mention) whose range holds it too but not the name,
      // and reads each row's JSONB once); otherwise held: names are [a-z0-9_.-], so
      // the quoted name matches exactly inside the JSON array. MATERIALIZED: flattened into the
      // outer query, the decision was worked out twice per message (in WHERE and in the result).
      last: db.prepare(
        `WITH x AS MATERIALIZED (
           SELECT s.seq, m.json, COALESCE(
               (SELECT max(p.reason || char(31) || p.via || char(31) || p.mention || char(31) || (p.users -> ?4)) FROM trace_pushed p
                WHERE p.seq = s.seq AND p.lo <= ?1 AND p.hi >= ?1),
               (SELECT h.reason || char(31) || h.via || char(31) || h.mention FROM trace_held h WHERE h.seq = s.seq AND instr(h.users, '"' || ?1 || '"') > 0)) AS decision
           FROM (
             SELECT seq FROM (SELECT seq FROM inbox WHERE username = ?1 ORDER BY seq DESC LIMIT ?2)
             UNION SELECT seq FROM (SELECT seq FROM messages WHERE sender = ?1 ORDER BY seq DESC LIMIT ?2)
             UNION SELECT value FROM json_each(?3)
           ) s JOIN messages m ON m.seq = s.seq
         )
         SELECT x.json, x.decision,
           (SELECT json_group_array(json_array(r.device_id, r.notifier, r.result) ORDER BY r.ord) FROM trace_results r
            WHERE r.seq = x.seq AND r.username = ?1) AS results
         FROM x WHERE x.decision IS NOT NULL ORDER BY x.seq DESC LIMIT ?2`,
      ),
    };
  }
  /** Records every decision about one message (seq): a few rows per (pushed or held, reason, via, mention). */
  addMany(seq: number, rows: readonly NewTrace[]): void {
    const { pushed, held } = decisionRows(rows);
    for (const r of pushed) this.s.insertPushed.run(seq, ...r);
    for (const r of held) this.s.insertHeld.run(seq, ...r);
  }
  /** Sets the outcome for one device of a recorded decision (notifier omitted: whichever has that id). */
  setResult(username: string, seq: number, deviceId: string, result: string, notifier?: string): void {
    this.s.setResult.run(seq, username, deviceId, notifier ?? '', result);
  }
  /** The user's last `limit` decisions, newest first. */
  last(username: string, limit: number): TraceEntry[] {
    const logged: number[] = [];
    for (const g of this.s.joined.all(username) as { group_id: string; since: number }[]) {
      logged.push(...(this.s.logTop.all(g.group_id, g.since, limit) as number[]));
    }
    const rows = this.s.last.all({ 1: username, 2: limit, 3: JSON.stringify(logged), 4: `$."${username}"` }) as { json: string; decision: string; results: string }[];
    return rows.map((r) => traceEntryOf(r.json, r.decision, r.results));
  }
}
