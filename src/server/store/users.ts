/** Users and access tokens on SQLite (hashing lives in ../accounts.ts: the store keeps only hashes). */
import { randomUUID } from 'node:crypto';
import { BoundedCache } from './cache.ts';
import { type Db, parseRows } from './db.ts';
import type { TokenOwner, UserRow, UsersPort } from './ports.ts';
import { APP_CACHE_USERS } from './settings.ts';

export type { TokenOwner, UserRow };

export class UsersRepo implements UsersPort {
  private readonly s;
  /**
   * username → push language, for users known to exist. Every pushed member of a big group needs
   * it; this process is the only writer and `setLanguage` the only change (users are never deleted).
   */
  private readonly languages = new BoundedCache<string, string>(APP_CACHE_USERS);
  constructor(db: Db) {
    this.s = {
      get: db.prepare(
        'SELECT u.username, u.uuid, u.nickname, u.created, COALESCE(o.n, 0) AS offline_count, u.language FROM users u LEFT JOIN offline_counts o ON o.username = u.username WHERE u.username = ?',
      ),
      hash: db.prepare('SELECT password_hash FROM users WHERE username = ?'),
      insert: db.prepare('INSERT OR IGNORE INTO users (username, uuid, password_hash, nickname, created) VALUES (?, ?, ?, ?, ?)'),
      insertToken: db.prepare('INSERT INTO tokens (hash, username, expires) VALUES (?, ?, ?)'),
      token: db.prepare('SELECT username, expires FROM tokens WHERE hash = ?'),
      purge: db.prepare('DELETE FROM tokens WHERE expires < ?'),
      dropToken: db.prepare('DELETE FROM tokens WHERE hash = ?'),
      existing: db.prepare('SELECT username FROM users WHERE username IN (SELECT value FROM json_each(?))'),
      nick: db.prepare('SELECT nickname FROM users WHERE username = ?'),
      setNick: db.prepare('UPDATE users SET nickname = ? WHERE username = ?'),
      setLang: db.prepare('UPDATE users SET language = ? WHERE username = ?'),
      bumpOffline: db.prepare('INSERT INTO offline_counts (username, n) VALUES (?, 1) ON CONFLICT(username) DO UPDATE SET n = n + 1 RETURNING n'),
      bumpMany: db.prepare(
        'INSERT INTO offline_counts (username, n) SELECT value, 1 FROM json_each(?) WHERE true ON CONFLICT(username) DO UPDATE SET n = n + 1',
      ),
      // CROSS JOIN keeps json_each outside: SQLite otherwise may pick the other order (seconds, not ms).
      counts: db.prepare(
        `SELECT json_group_array(json_array(j.value, o.n))
         FROM json_each(?) j CROSS JOIN offline_counts o ON o.username = j.value`,
      ).pluck(),
      languages: db.prepare(
        'SELECT json_group_array(json_array(u.username, u.language)) FROM json_each(?) j CROSS JOIN users u ON u.username = j.value',
      ).pluck(),
      resetOffline: db.prepare('DELETE FROM offline_counts WHERE username = ?'),
    };
  }
  get(username: string): UserRow | undefined {
    return this.s.get.get(username) as UserRow | undefined;
  }
  insert(username: string, passwordHash: string, nickname: string, now: number): boolean {
    return this.s.insert.run(username, randomUUID(), passwordHash, nickname, now).changes > 0;
  }
  passwordHash(username: string): string | undefined {
    return (this.s.hash.get(username) as { password_hash: string } | undefined)?.password_hash;
  }
  insertToken(hash: string, username: string | null, expires: number): void {
    // Expired tokens are removed by the hourly housekeeping.
    this.s.insertToken.run(hash, username, expires);
  }
  /** The owner of a token (by its hash), or undefined when unknown; expired tokens are returned for the caller to refuse. */
  tokenOwner(hash: string): TokenOwner | undefined {
    return this.s.token.get(hash) as TokenOwner | undefined;
  }
  deleteToken(hash: string): void {
    this.s.dropToken.run(hash);
  }
  /** Which of these usernames exist. */
  existing(usernames: readonly string[]): Set<string> {
    const rows = this.s.existing.all(JSON.stringify(usernames)) as { username: string }[];
    return new Set(rows.map((r) => r.username));
  }
  setNickname(username: string, nickname: string): void {
    this.s.setNick.run(nickname, username);
  }
  nickname(username: string): string {
    return (this.s.nick.get(username) as { nickname: string } | undefined)?.nickname || username;
  }
  setLanguage(username: string, language: string): void {
    if (this.s.setLang.run(language, username).changes > 0) this.languages.set(username, language);
  }
  /** Counts one more offline message; returns the new count (the badge). */
  bumpOffline(username: string): number {
    return (this.s.bumpOffline.get(username) as { n: number } | undefined)?.n ?? 0;
  }
  resetOffline(username: string): void {
    this.s.resetOffline.run(username);
  }
  /** Counts one more offline message for each of these users (one statement). */
  bumpOfflineMany(usernames: readonly string[]): void {
    if (usernames.length) this.s.bumpMany.run(JSON.stringify(usernames));
  }
  /** Offline counts and languages of many users at once (users that do not exist are left out). */
  pushInfo(usernames: readonly string[]): Map<string, { offline: number; language: string }> {
    const out = new Map<string, { offline: number; language: string }>();
    const missing: string[] = [];
    for (const u of usernames) {
      const language = this.languages.get(u);
      if (language === undefined) missing.push(u);
      else out.set(u, { offline: 0, language });
    }
    if (missing.length) {
      // Positional arrays: SQLite builds them faster than objects with repeated keys.
      for (const [u, language] of parseRows<[string, string]>(this.s.languages.get(JSON.stringify(missing)))) {
        this.languages.set(u, language);
        out.set(u, { offline: 0, language });
      }
    }
    // Only users with a count have a row (most of a big group's pushed members, once offline).
    for (const [u, n] of parseRows<[string, number]>(this.s.counts.get(JSON.stringify(usernames)))) {
      const info = out.get(u);
      if (info) info.offline = n;
    }
    return out;
  }
}
