/** Small app-wide values (keys, credentials, policy) on PostgreSQL. */
import type pg from 'pg';
import type { MetaPort } from '../ports.ts';

export class PgMeta implements MetaPort {
  constructor(private readonly pool: pg.Pool) {}
  async get(key: string): Promise<string | undefined> {
    const r = await this.pool.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return r.rows[0]?.value;
  }
  async set(key: string, value: string): Promise<void> {
    await this.pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }
  /** Race-free across nodes: the first insert wins and everyone reads the winner's value. */
  async getOrCreate(key: string, make: () => string): Promise<{ value: string; created: boolean }> {
    const have = await this.get(key);
    if (have !== undefined) return { value: have, created: false };
    const value = make();
    const ins = await this.pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
    if (ins.rowCount === 1) return { value, created: true };
    const won = await this.get(key);
    return { value: won!, created: false };
  }
}
