/** Users and access tokens. Passwords are scrypt hashes; tokens are stored as sha256 only. */
import { createHash, randomBytes, randomUUID, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { type Db, parseRows } from './db.ts';

export interface UserRow {
  username: string;
  uuid: string;
  nickname: string;
  created: number;
  offline_count: number;
  language: string;
}

/** Who a token belongs to: a user, or the app itself (username null). */
export interface TokenOwner {
  username: string | null;
  expires: number;
}

const SCRYPT_N = 16384;
const UNKNOWN_USER_HASH = `scrypt$${SCRYPT_N}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(32).toString('base64url')}`;

/** scrypt off the event loop (it takes tens of ms: a sign-in must not stall every socket). */
function scryptAsync(password: string, salt: Buffer, length: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, length, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** scrypt$N$salt$hash, all base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, { N: SCRYPT_N });
  return `scrypt$${SCRYPT_N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Constant-time check of a password against its stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !n || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n) });
  return timingSafeEqual(expected, actual);
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class UsersRepo {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      get: db.prepare(
        'SELECT u.username, u.uuid, u.nickname, u.created, COALESCE(o.n, 0) AS offline_count, u.language FROM users u LEFT JOIN offline_counts o ON o.username = u.username WHERE u.username = ?',
      ),
      hash: db.prepare('SELECT password_hash FROM users WHERE username = ?'),
      insert: db.prepare('INSERT INTO users (username, uuid, password_hash, nickname, created) VALUES (?, ?, ?, ?, ?)'),
      insertToken: db.prepare('INSERT INTO tokens (hash, username, expires) VALUES (?, ?, ?)'),
      token: db.prepare('SELECT username, expires FROM tokens WHERE hash = ?'),
      purge: db.prepare('DELETE FROM tokens WHERE expires < ?'),
      existing: db.prepare('SELECT username FROM users WHERE username IN (SELECT value FROM json_each(?))'),
      nick: db.prepare('SELECT nickname FROM users WHERE username = ?'),
      setLang: db.prepare('UPDATE users SET language = ? WHERE username = ?'),
      bumpOffline: db.prepare('INSERT INTO offline_counts (username, n) VALUES (?, 1) ON CONFLICT(username) DO UPDATE SET n = n + 1 RETURNING n'),
      bumpMany: db.prepare(
        'INSERT INTO offline_counts (username, n) SELECT value, 1 FROM json_each(?) WHERE true ON CONFLICT(username) DO UPDATE SET n = n + 1',
      ),
      // CROSS JOIN keeps json_each outside: SQLite otherwise may pick the other order (seconds, not ms).
      info: db.prepare(
        `SELECT json_group_array(json_array(u.username, COALESCE(o.n, 0), u.language))
         FROM json_each(?) j CROSS JOIN users u ON u.username = j.value LEFT JOIN offline_counts o ON o.username = u.username`,
      ).pluck(),
      resetOffline: db.prepare('DELETE FROM offline_counts WHERE username = ?'),
    };
  }
  get(username: string): UserRow | undefined {
    return this.s.get.get(username) as UserRow | undefined;
  }
  /** Creates a user; undefined when the name is taken. */
  async create(username: string, password: string, nickname: string, now: number): Promise<UserRow | undefined> {
    if (this.get(username)) return undefined;
    const hash = await hashPassword(password);
    // Checked again after the await: another request may have taken the name meanwhile.
    if (this.get(username)) return undefined;
    this.s.insert.run(username, randomUUID(), hash, nickname, now);
    return this.get(username);
  }
  async checkPassword(username: string, password: string): Promise<boolean> {
    const row = this.s.hash.get(username) as { password_hash: string } | undefined;
    // An unknown name costs the same scrypt as a wrong password, so timing does not reveal who exists.
    const ok = await verifyPassword(password, row?.password_hash ?? UNKNOWN_USER_HASH);
    return row !== undefined && ok;
  }
  /** Issues a random token valid for `ttlSeconds`; only its hash is stored. */
  issueToken(username: string | null, ttlSeconds: number, now: number): { token: string; expires: number } {
    const token = `YWMt${randomBytes(32).toString('base64url')}`;
    const expires = now + ttlSeconds * 1000;
    this.s.insertToken.run(tokenHash(token), username, expires);
    if (Math.random() < 0.05) this.s.purge.run(now);
    return { token, expires };
  }
  /** The owner of a token, or undefined when unknown; expired tokens are returned for the caller to refuse. */
  tokenOwner(token: string): TokenOwner | undefined {
    return this.s.token.get(tokenHash(token)) as TokenOwner | undefined;
  }
  /** Which of these usernames exist. */
  existing(usernames: readonly string[]): Set<string> {
    const rows = this.s.existing.all(JSON.stringify(usernames)) as { username: string }[];
    return new Set(rows.map((r) => r.username));
  }
  nickname(username: string): string {
    return (this.s.nick.get(username) as { nickname: string } | undefined)?.nickname || username;
  }
  setLanguage(username: string, language: string): void {
    this.s.setLang.run(language, username);
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
  /** Offline counts and languages of many users at once. */
  pushInfo(usernames: readonly string[]): Map<string, { offline: number; language: string }> {
    // Positional arrays: SQLite builds them faster than objects with repeated keys.
    const rows = parseRows<[string, number, string]>(this.s.info.get(JSON.stringify(usernames)));
    return new Map(rows.map(([username, offline, language]) => [username, { offline, language }]));
  }
}
