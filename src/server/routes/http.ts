/** Helpers every route uses: who is calling, may they act for this user, and the success envelope. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type FieldError, type Result, successEnvelope, usernameSchema, parseWith } from '../../core/index.ts';
import { tokenHash } from '../accounts.ts';
import { bearerOf } from '../bearer.ts';
import type { Context } from '../context.ts';
import { ApiError, badInput } from '../errors.ts';
import type { TokenOwner } from '../store/ports.ts';

/** The caller: a user, or the app itself (client credentials). */
export type Caller = { kind: 'user'; username: string } | { kind: 'app' };

const started = new WeakMap<FastifyRequest, number>();

/** Marks the request start for the envelope's `duration`. */
export function markStart(req: FastifyRequest): void {
  started.set(req, performance.now());
}

/** Reads and checks the bearer token. */
export async function callerOf(ctx: Context, req: FastifyRequest): Promise<Caller> {
  const bearer = bearerOf(req);
  if (bearer === undefined) throw new ApiError('unauthorized', 'Missing Authorization header: send "Authorization: Bearer <token>" with a token from POST /{org}/{app}/token.');
  if (bearer === null) throw new ApiError('auth_bad_access_token', 'The Authorization header must be "Bearer <token>".');
  return callerOfHash(ctx, bearer.hash);
}

/**
 * Checks a raw token from a WebSocket auth frame; also returns its expiry, at which the socket is
 * closed (one hash and one lookup per sign-in: B7 opens thousands a second).
 */
export async function callerOfToken(ctx: Context, token: string): Promise<{ caller: Caller; expires: number }> {
  const owner = await validOwner(ctx, tokenHash(token));
  return { caller: callerOfOwner(owner), expires: owner.expires };
}

/** Checks a token by its hash: known, not expired (expiry is checked at every use, cached or not). */
async function callerOfHash(ctx: Context, hash: string): Promise<Caller> {
  return callerOfOwner(await validOwner(ctx, hash));
}

async function validOwner(ctx: Context, hash: string): Promise<Readonly<TokenOwner>> {
  const owner = await ctx.auth.tokenOwner(hash);
  if (!owner) throw new ApiError('auth_bad_access_token', 'Unknown access token: sign in again to get a new one.');
  if (owner.expires <= ctx.config.now()) throw new ApiError('auth_bad_access_token', 'The access token has expired: sign in again to get a new one.');
  return owner;
}

function callerOfOwner(owner: Readonly<TokenOwner>): Caller {
  return owner.username === null ? { kind: 'app' } : { kind: 'user', username: owner.username };
}

/** The path's user (lower-cased), after checking the caller may act for them and that they exist. */
export async function actFor(ctx: Context, req: FastifyRequest, rawUser: string, field = 'username'): Promise<{ caller: Caller; user: string }> {
  const caller = await callerOf(ctx, req);
  const user = parseUser(rawUser, field);
  if (caller.kind === 'user' && caller.username !== user)
    throw new ApiError('forbidden', `A user token acts only for its own user ("${caller.username}"), not for "${user}".`);
  if (!(await ctx.auth.userExists(user))) throw new ApiError('service_resource_not_found', `User "${user}" does not exist.`);
  return { caller, user };
}

/** Requires an app token (client credentials). */
export async function requireApp(ctx: Context, req: FastifyRequest): Promise<void> {
  const caller = await callerOf(ctx, req);
  if (caller.kind !== 'app') throw new ApiError('forbidden', 'This needs an app token: POST /{org}/{app}/token with grant_type "client_credentials".');
}

/** Validates a username from a path or body. */
export function parseUser(value: unknown, field = 'username'): string {
  // Every route parses one or two names: the common valid case skips the schema, which words the errors.
  if (typeof value === 'string' && USERNAME.test(value)) return value.toLowerCase();
  return must(parseWith(usernameSchema, value, field));
}

/** Exactly core's usernameSchema rule (test/server/auth-cache.test.ts compares the two). */
export const USERNAME = /^[a-zA-Z0-9_.-]{1,64}$/;

/** The value of a core Result, or a 400 naming the field. */
export function must<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw badInput(r.errors as FieldError[]);
}

/** Sends the Easemob success envelope. */
export function ok(ctx: Context, req: FastifyRequest, reply: FastifyReply, action: string, data: unknown, extra: { entities?: unknown[]; cursor?: string } = {}) {
  const start = started.get(req) ?? performance.now();
  const path = req.url.split('?')[0]!;
  const env = successEnvelope({
    key: ctx.key,
    action,
    path: path.replace(`/${ctx.key.org}/${ctx.key.app}`, '') || '/',
    uri: `${req.protocol}://${req.headers.host ?? 'localhost'}${path}`,
    now: ctx.config.now(),
    duration: Math.round(performance.now() - start),
    data,
    ...extra,
  });
  return reply.code(200).send(env);
}
