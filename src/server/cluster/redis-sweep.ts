/**
 * Sweeping a dead node's presence entries. A reader deletes a dead node's entries it comes across,
 * but a user nobody looks up again would keep them forever (presence hashes have no TTL: a live
 * socket has no deadline). So each incarnation lists the hashes it wrote (`held`), the heartbeat
 * moves expired incarnations to the `dead` set, and after each beat a node sweeps them in chunks.
 * Two nodes sweeping the same incarnation split its list between them; one that rejoined first
 * (Redis was away, not the node) is left alone and writes its entries back itself.
 */
import type { Redis } from 'ioredis';
import type { RouterLog } from './redis-connect.ts';
import type { RedisKeys } from './redis-keys.ts';

/** Hashes per script call: Redis serves no one else while a script runs. */
export const SWEEP_CHUNK = 500;

/** Sweeps every dead incarnation; returns how many presence hashes were looked through. */
export async function sweepDead(redis: Redis, keys: RedisKeys, log?: RouterLog): Promise<number> {
  let hashes = 0;
  for (const incarnation of await redis.smembers(keys.dead())) {
    let taken: number;
    do {
      taken = await redis.impcSweep(keys.held(incarnation), keys.nodes(), incarnation, SWEEP_CHUNK);
      if (taken > 0) hashes += taken;
    } while (taken > 0);
    await redis.srem(keys.dead(), incarnation);
    if (taken === 0) log?.info({ incarnation }, 'swept the presence entries of a node that stopped without leaving');
  }
  return hashes;
}
