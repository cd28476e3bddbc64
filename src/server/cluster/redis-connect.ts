/** Connecting to Redis with errors a person can act on, and without leaking the password. */
import { Redis } from 'ioredis';
import { within } from '../within.ts';

/** Where the router reports (Fastify's pino logger fits). */
export interface RouterLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The URL without its password, for logs and error sentences. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable URL)';
  }
}

/** Why a connection failed, in words. */
export function describeRedisError(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(message)) return 'timed out';
  if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message)) return 'authentication failed (check the user and password in the URL)';
  return message;
}

/**
 * Opens a client and waits until it answers; throws `cannot reach Redis at redis://…: <why>`
 * instead of retrying forever at start. Once up, it reconnects by itself and logs each outage once.
 */
export async function connectRedis(url: string, role: string, log?: RouterLog): Promise<Redis> {
  if (!/^rediss?:\/\//.test(url)) throw new Error(`the Redis URL must start with redis:// or rediss://, got ${redactUrl(url)}`);
  const client = new Redis(url, { lazyConnect: true, connectionName: `impc-${role}` });
  let last: unknown;
  const remember = (err: unknown) => (last = err);
  client.on('error', remember);
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${describeRedisError(last ?? err)}`, { cause: last ?? err });
  }
  client.off('error', remember);
  let down = false;
  client.on('error', (err: unknown) => {
    if (down) return;
    down = true;
    log?.warn({ redis: redactUrl(url), role, error: describeRedisError(err) }, 'lost the Redis connection; reconnecting');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log?.info({ redis: redactUrl(url), role }, 'Redis connection back');
  });
  return client;
}

/** Closes politely when connected (pending replies arrive first), at once otherwise. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through: drop the socket
    }
  }
  client.disconnect();
}

/** PING that gives up after `ms` (for /ready: a hung Redis must not hang the probe). */
export async function pingWithin(client: Redis, ms: number): Promise<void> {
  if (!(await within(client.ping(), ms))) throw new Error(`Redis did not answer PING within ${ms} ms`);
}
