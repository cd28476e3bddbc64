/** Small app-wide values: keys, client credentials, policy, feature switches. */
import { BoundedCache } from './cache.ts';
import type { Db } from './db.ts';
import type { MetaPort } from './ports.ts';

/** Keys whose values stay in memory (the switches read on every settings write and message). */
const CACHED_KEYS = 256;

export class MetaRepo implements MetaPort {
  private readonly getStmt;
  private readonly setStmt;
  /**
   * key → value, or null for "no row". This engine is the only writer and every write goes
   * through `set`, so the cache never outlives the row; the policy and the advanced switch are
   * then read without a query (PostgreSQL, shared by nodes, reads them each time).
   */
  private readonly cache = new BoundedCache<string, string | null>(CACHED_KEYS);
  constructor(private readonly db: Db) {
    this.getStmt = db.prepare('SELECT value FROM meta WHERE key = ?');
    this.setStmt = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }
  /** The stored value, or undefined. */
  get(key: string): string | undefined {
    const c = this.cache.get(key);
    if (c !== undefined) return c ?? undefined;
    const v = (this.getStmt.get(key) as { value: string } | undefined)?.value;
    // Read inside a transaction, it may be that transaction's own write, not committed yet.
    if (!this.db.inTransaction) this.cache.set(key, v ?? null);
    return v;
  }
  set(key: string, value: string): void {
    this.cache.dropAround(key, () => this.setStmt.run(key, value));
  }
  /** Returns the stored value, creating it with `make` the first time. */
  getOrCreate(key: string, make: () => string): { value: string; created: boolean } {
    const v = this.get(key);
    if (v !== undefined) return { value: v, created: false };
    const value = make();
    this.set(key, value);
    return { value, created: true };
  }
}
