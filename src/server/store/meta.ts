/** Small app-wide values: keys, client credentials, policy, feature switches. */
import type { Db } from './db.ts';
import type { MetaPort } from './ports.ts';

export class MetaRepo implements MetaPort {
  private readonly getStmt;
  private readonly setStmt;
  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT value FROM meta WHERE key = ?');
    this.setStmt = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }
  /** The stored value, or undefined. */
  get(key: string): string | undefined {
    return (this.getStmt.get(key) as { value: string } | undefined)?.value;
  }
  set(key: string, value: string): void {
    this.setStmt.run(key, value);
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
