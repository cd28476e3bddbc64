/** A device signed in (the store port's `deviceOnline`), as one statement: one round trip, atomic. */
import type pg from 'pg';
import { ADOPT_CTES } from './messages.ts';

/**
 * Every part of a data-modifying WITH sees the rows as they were before the statement, so `known`
 * says whether the resource existed before this sign-in, whatever `seen` writes. True when it did not.
 */
export async function deviceOnline(pool: pg.Pool, username: string, resource: string, now: number): Promise<boolean> {
  const r = await pool.query<{ is_new: boolean }>(
    `WITH known AS (SELECT 1 FROM devices WHERE username = $1 AND resource = $2), ${ADOPT_CTES},
       seen AS (
         INSERT INTO devices (username, resource, kicked, last_seen) VALUES ($1, $2, 0, $3)
         ON CONFLICT (username, resource) DO UPDATE SET kicked = 0, last_seen = excluded.last_seen),
       reset AS (DELETE FROM offline_counts WHERE username = $1),
       summary AS (DELETE FROM summary_pending WHERE username = $1)
     SELECT NOT EXISTS (SELECT 1 FROM known) AS is_new`,
    [username, resource, now],
  );
  return r.rows[0]!.is_new;
}
