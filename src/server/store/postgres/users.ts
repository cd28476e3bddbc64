/** Users, token hashes and offline counts on PostgreSQL. */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { TokenOwner, UserRow, UsersPort } from '../ports.ts';
import type { Queryable } from './pool.ts';

type PushInfo = Map<string, { offline: number; language: string }>;

/** Offline counts and languages of many users (one query); shared with the fan-out transaction. */
export async function pushInfoOn(q: Queryable, usernames: readonly string[]): Promise<PushInfo> {
  if (usernames.length === 0) return new Map();
  const r = await q.query<[string, number, string]>({
    text: `SELECT u.username, COALESCE(o.n, 0), u.language FROM users u LEFT JOIN offline_counts o ON o.username = u.username
           WHERE u.username IN (SELECT unnest($1::text[]))`,
    values: [usernames],
    rowMode: 'array',
  });
  return new Map(r.rows.map(([username, offline, language]) => [username, { offline, language }]));
}

export class PgUsers implements UsersPort {
  constructor(private readonly pool: pg.Pool) {}
  async get(username: string): Promise<UserRow | undefined> {
    const r = await this.pool.query<UserRow>(
      `SELECT u.username, u.uuid, u.nickname, u.created, COALESCE(o.n, 0) AS offline_count, u.language
       FROM users u LEFT JOIN offline_counts o ON o.username = u.username WHERE u.username = $1`,
      [username],
    );
    return r.rows[0];
  }
  async insert(username: string, passwordHash: string, nickname: string, now: number): Promise<boolean> {
    const r = await this.pool.query(
      'INSERT INTO users (username, uuid, password_hash, nickname, created) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING',
      [username, randomUUID(), passwordHash, nickname, now],
    );
    return r.rowCount === 1;
  }
  async passwordHash(username: string): Promise<string | undefined> {
    const r = await this.pool.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE username = $1', [username]);
    return r.rows[0]?.password_hash;
  }
  async insertToken(hash: string, username: string | null, expires: number): Promise<void> {
    await this.pool.query('INSERT INTO tokens (hash, username, expires) VALUES ($1, $2, $3)', [hash, username, expires]);
  }
  async tokenOwner(hash: string): Promise<TokenOwner | undefined> {
    const r = await this.pool.query<TokenOwner>('SELECT username, expires FROM tokens WHERE hash = $1', [hash]);
    return r.rows[0];
  }
  async deleteToken(hash: string): Promise<void> {
    await this.pool.query('DELETE FROM tokens WHERE hash = $1', [hash]);
  }
  async existing(usernames: readonly string[]): Promise<Set<string>> {
    if (usernames.length === 0) return new Set();
    const r = await this.pool.query<[string]>({ text: 'SELECT username FROM users WHERE username IN (SELECT unnest($1::text[]))', values: [usernames], rowMode: 'array' });
    return new Set(r.rows.map((x) => x[0]));
  }
  async setNickname(username: string, nickname: string): Promise<void> {
    await this.pool.query('UPDATE users SET nickname = $1 WHERE username = $2', [nickname, username]);
  }
  async nickname(username: string): Promise<string> {
    const r = await this.pool.query<{ nickname: string }>('SELECT nickname FROM users WHERE username = $1', [username]);
    return r.rows[0]?.nickname || username;
  }
  async setLanguage(username: string, language: string): Promise<void> {
    await this.pool.query('UPDATE users SET language = $1 WHERE username = $2', [language, username]);
  }
  async resetOffline(username: string): Promise<void> {
    await this.pool.query('DELETE FROM offline_counts WHERE username = $1', [username]);
  }
  pushInfo(usernames: readonly string[]): Promise<PushInfo> {
    return pushInfoOn(this.pool, usernames);
  }
}
