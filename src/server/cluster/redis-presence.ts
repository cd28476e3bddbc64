/**
 * Reading cluster-wide presence in one round trip: a single pipeline carries the Redis clock,
 * the set of live nodes and the users' presence hashes (a script per chunk of users), so an
 * entry is judged against node liveness read at the same moment (a node that joined a second
 * ago counts; one past its TTL does not).
 */
import type { ChainableCommander, Redis } from 'ioredis';
import { type Owner, parseOwner, type RedisKeys } from './redis-keys.ts';
import type { SocketKind } from './router.ts';

/** A presence entry to delete if it still holds `value` (its node is dead, or the socket is gone). */
export interface StaleEntry {
  key: string;
  field: string;
  value: string;
}

/** How the reading node judges its own entries: alive only while it still holds that socket. */
export interface Self {
  incarnation: string;
  holds(kind: SocketKind, user: string, resource: string, connId: string): boolean;
}

export interface PresenceRead {
  /** user → resource → owner, live entries only; users without any are absent. */
  live: Map<string, Map<string, Owner>>;
  stale: StaleEntry[];
}

/** Runs a pipeline and returns its replies, throwing the first command error. */
export async function execChecked(p: ChainableCommander): Promise<unknown[]> {
  const res = await p.exec();
  if (!res) throw new Error('the Redis pipeline was discarded');
  return res.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/**
 * Users per presence script: Redis runs a script without serving anyone else, so a big group
 * is read in a few short scripts (still one round trip) rather than one long one.
 */
export const PRESENCE_CHUNK = 1_000;

/** Presence of `users` for `kind`, in one round trip. */
export async function readPresence(client: Redis, keys: RedisKeys, kind: SocketKind, users: readonly string[], self: Self): Promise<PresenceRead> {
  const p = client.pipeline();
  p.time();
  p.zrange(keys.nodes(), 0, '-1', 'WITHSCORES');
  for (let i = 0; i < users.length; i += PRESENCE_CHUNK) {
    const chunk = users.slice(i, i + PRESENCE_CHUNK).map((u) => keys.presence(kind, u));
    p.impcPresence(chunk.length, ...chunk);
  }
  const replies = await execChecked(p);

  const [sec, usec] = replies[0] as [string, string];
  const now = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
  const scored = replies[1] as string[];
  const alive = new Set<string>();
  for (let i = 0; i + 1 < scored.length; i += 2) if (Number(scored[i + 1]) > now) alive.add(scored[i]!);

  const live = new Map<string, Map<string, Owner>>();
  const stale: StaleEntry[] = [];
  for (let c = 2; c < replies.length; c++) {
    const found = replies[c] as (number | string[])[];
    for (let j = 0; j + 1 < found.length; j += 2) {
      const user = users[(c - 2) * PRESENCE_CHUNK + (found[j] as number) - 1]!;
      const hash = found[j + 1] as string[];
      for (let f = 0; f + 1 < hash.length; f += 2) {
        const resource = hash[f]!;
        const value = hash[f + 1]!;
        const o = parseOwner(value);
        const ok = o !== undefined && (o.incarnation === self.incarnation ? self.holds(kind, user, resource, o.connId) : alive.has(o.incarnation));
        if (!ok) {
          stale.push({ key: keys.presence(kind, user), field: resource, value });
          continue;
        }
        let m = live.get(user);
        if (!m) live.set(user, (m = new Map()));
        m.set(resource, o);
      }
    }
  }
  return { live, stale };
}

/** Deletes entries that still hold the given values (one round trip; a replaced value is spared). */
export async function dropEntries(client: Redis, entries: readonly StaleEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const p = client.pipeline();
  for (const e of entries) p.impcCompareDel(e.key, e.field, e.value);
  await execChecked(p);
}
