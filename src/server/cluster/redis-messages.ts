/**
 * What nodes publish to each other, declared once: the sender builds these types and the
 * receiver checks the same schemas, so a malformed or foreign message is dropped (and logged),
 * never trusted and never a crash.
 */
import { z } from 'zod';
import type { Invalidation } from './router.ts';

const kind = z.enum(['im', 'stream']);
const name = z.string().min(1);

/** Published on `node:{id}`: frames and actions for sockets that node holds. */
export const NodeMessage = z.discriminatedUnion('t', [
  /** A newer socket of the device attached elsewhere: close ours (if it is still `conn`). */
  z.object({ t: z.literal('replace'), kind, user: name, resource: z.string(), conn: name, frame: z.unknown().optional() }),
  /** Send `frame` to every socket of each user here, except one resource. */
  z.object({ t: z.literal('users'), kind, users: z.array(name), frame: z.unknown(), except: z.string().optional() }),
  /** Send `frame` to one device's socket here. */
  z.object({ t: z.literal('device'), kind, user: name, resource: z.string(), frame: z.unknown() }),
  /** Kick the device's IM socket here. */
  z.object({ t: z.literal('kick'), user: name, resource: z.string(), reason: z.string() }),
  /** This node ran its listeners for the broadcast `id` (sent back to a sender waiting for it). */
  z.object({ t: z.literal('acked'), id: name }),
]);
export type NodeMessage = z.output<typeof NodeMessage>;

const invalidation = z.looseObject({
  user: z.string().optional(),
  conversation: z.object({ scope: z.enum(['user', 'chatgroup']), id: z.string() }).optional(),
  bindingsOf: z.string().optional(),
  token: z.string().optional(),
  meta: z.literal(true).optional(),
});

/**
 * Published on `all`. `from` is the sender's incarnation: it already ran its own listeners. With
 * `ack`, each receiver answers `{t:'acked', id: ack}` on the sender's node channel once done.
 */
export const BroadcastMessage = z.object({ t: z.literal('invalidate'), from: name, what: invalidation, ack: name.optional() });
export type BroadcastMessage = { t: 'invalidate'; from: string; what: Invalidation; ack?: string };

/** Parses a received payload; the error says why it was dropped. */
export function parseMessage<S extends z.ZodType>(schema: S, raw: string): { ok: true; value: z.output<S> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}
