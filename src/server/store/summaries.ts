/** Pending summaries (SPEC 1.7) on SQLite: counts as JSON, due when quiet ends, claimed under a lease. */
import { EMPTY_SUMMARY, type SummaryCounts } from '../../core/index.ts';
import { type Db, jsonList } from './db.ts';
import type { SummariesPort, SummaryRow } from './ports.ts';

interface Row {
  username: string;
  counts: string;
  due: number | null;
}

/** Stored counts back; an unreadable value counts as nothing held. */
export function countsOf(text: string): SummaryCounts {
  try {
    const c = JSON.parse(text) as SummaryCounts;
    return typeof c.count === 'number' && Array.isArray(c.conversations) ? c : EMPTY_SUMMARY;
  } catch {
    return EMPTY_SUMMARY;
  }
}

const rowOf = (r: Row): SummaryRow => ({ username: r.username, counts: countsOf(r.counts), due: r.due });

export class SummariesRepo implements SummariesPort {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      get: db.prepare('SELECT username, counts, due FROM summary_pending WHERE username = ?'),
      many: db.prepare('SELECT username, counts FROM summary_pending WHERE username IN (SELECT value FROM json_each(?))'),
      put: db.prepare(
        `INSERT INTO summary_pending (username, counts, due) SELECT j.value->>0, j.value->>1, j.value->>2 FROM json_each(?) j WHERE true
         ON CONFLICT(username) DO UPDATE SET counts = excluded.counts, due = excluded.due`,
      ),
      claim: db.prepare(
        `UPDATE summary_pending SET claimed_by = ?1, claimed_until = ?2 + ?4 WHERE username IN (
           SELECT username FROM summary_pending WHERE due <= ?2 AND (claimed_until IS NULL OR claimed_until < ?2) ORDER BY due LIMIT ?3)
         RETURNING username, counts, due`,
      ),
      next: db.prepare('SELECT MIN(due) FROM summary_pending WHERE due IS NOT NULL AND (claimed_until IS NULL OR claimed_until < ?1)').pluck(),
      reschedule: db.prepare('UPDATE summary_pending SET due = ?, claimed_by = NULL, claimed_until = NULL WHERE username = ?'),
      drop: db.prepare('DELETE FROM summary_pending WHERE username = ?'),
    };
  }
  get(username: string): SummaryRow | undefined {
    const r = this.s.get.get(username) as Row | undefined;
    return r ? rowOf(r) : undefined;
  }
  /** Current counts of many users (inside the message transaction). */
  countsMany(usernames: readonly string[]): Map<string, SummaryCounts> {
    const rows = this.s.many.all(jsonList(usernames)) as Row[];
    return new Map(rows.map((r) => [r.username, countsOf(r.counts)]));
  }
  /** Stores new counts and due times (inside the message transaction): one statement. */
  putMany(rows: Map<string, { counts: SummaryCounts; due: number | null }>): void {
    if (rows.size) this.s.put.run(JSON.stringify([...rows].map(([u, v]) => [u, JSON.stringify(v.counts), v.due])));
  }
  claimDue(node: string, now: number, limit: number, leaseMs: number): SummaryRow[] {
    return (this.s.claim.all({ 1: node, 2: now, 3: limit, 4: leaseMs }) as Row[]).map(rowOf);
  }
  nextDue(now: number): number | null {
    return (this.s.next.get({ 1: now }) as number | null) ?? null;
  }
  reschedule(username: string, due: number | null): void {
    this.s.reschedule.run(due, username);
  }
  drop(username: string): void {
    this.s.drop.run(username);
  }
}
