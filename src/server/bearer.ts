/**
 * The request's bearer token and its sha256, read once per request: the rate limit (which runs
 * first) and the route's auth both need them, and hashing twice was a measurable part of B4.
 */
import type { FastifyRequest } from 'fastify';
import { tokenHash } from './accounts.ts';

export interface Bearer {
  token: string;
  /** What the store keeps, and what limits and caches are keyed by. */
  hash: string;
}

const read = new WeakMap<FastifyRequest, Bearer | null>();

/** undefined: no Authorization header; null: a header that is not "Bearer <token>". */
export function bearerOf(req: FastifyRequest): Bearer | null | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  let b = read.get(req);
  if (b === undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    b = m ? { token: m[1]!, hash: tokenHash(m[1]!) } : null;
    read.set(req, b);
  }
  return b;
}
