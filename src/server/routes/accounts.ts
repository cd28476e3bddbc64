/** SPEC 3.1: tokens, registration, groups, chat rooms, members, kicks. */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createGroupBodySchema, createRoomBodySchema, parseWith, registerBodySchema, tokenBodySchema } from '../../core/index.ts';
import { checkPassword, createUser, issueToken } from '../accounts.ts';
import type { Context } from '../context.ts';
import { ApiError } from '../errors.ts';
import { checkSignIn, limitsOf, signInFailed, withHashing } from '../limits/index.ts';
import type { GroupRow } from '../store/groups.ts';
import type { UserRow } from '../store/users.ts';
import { actFor, must, ok, parseUser, requireApp } from './http.ts';

/** Default token lifetime: 7 days. */
export const DEFAULT_TOKEN_TTL_S = 7 * 86_400;

/** The user entity of Easemob's responses. */
export function userEntity(u: UserRow): Record<string, unknown> {
  return { uuid: u.uuid, type: 'user', created: u.created, modified: u.created, username: u.username, nickname: u.nickname, activated: true };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function groupData(g: GroupRow, members?: string[]) {
  return { groupid: g.id, groupname: g.name, owner: g.owner, created: g.created, type: g.kind === 'room' ? 'chatroom' : 'group', ...(members ? { affiliations_count: members.length } : {}) };
}

export function accountRoutes(app: FastifyInstance, ctx: Context): void {
  const limits = limitsOf(ctx);
  app.post('/token', async (req, reply) => {
    const body = must(parseWith(tokenBodySchema, req.body));
    const now = ctx.config.now();
    const ttl = body.ttl ?? DEFAULT_TOKEN_TTL_S;
    if (body.grant_type === 'password') {
      // Refused before hashing: a locked-out pair costs no scrypt, and a right password does not
      // end the lockout early (only this username from this address is locked).
      checkSignIn(limits, body.username, req.ip);
      const passwordOk = await withHashing(limits, () => checkPassword(ctx.store, body.username, body.password));
      const user = await ctx.users.get(body.username);
      if (!user || !passwordOk) {
        signInFailed(limits, body.username, req.ip);
        throw new ApiError('auth_bad_access_token', 'Wrong username or password.');
      }
      const t = await issueToken(ctx.store, user.username, ttl, now);
      return reply.send({ access_token: t.token, expires_in: ttl, user: userEntity(user) });
    }
    checkSignIn(limits, '#client', req.ip);
    if (!sameSecret(body.client_id, ctx.credentials.clientId) || !sameSecret(body.client_secret, ctx.credentials.clientSecret)) {
      signInFailed(limits, '#client', req.ip);
      throw new ApiError('auth_bad_access_token', 'Wrong client_id or client_secret.');
    }
    const t = await issueToken(ctx.store, null, ttl, now);
    return reply.send({ access_token: t.token, expires_in: ttl, application: ctx.key.app });
  });

  app.post('/users', async (req, reply) => {
    if (!ctx.config.openRegistration) await requireApp(ctx, req);
    const body = must(parseWith(registerBodySchema, req.body));
    const created = await withHashing(limits, () => createUser(ctx.store, body.username, body.password, body.nickname ?? body.username, ctx.config.now()));
    if (!created) throw new ApiError('duplicate_unique_property_exists', `username "${body.username}" is taken: choose another name.`);
    return ok(ctx, req, reply, 'post', undefined, { entities: [userEntity(created)] });
  });

  app.get<{ Params: { user: string } }>('/users/:user', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.user);
    return ok(ctx, req, reply, 'get', undefined, { entities: [userEntity((await ctx.users.get(user))!)] });
  });

  const createConv = (kind: 'group' | 'room') => async (req: FastifyRequest, reply: FastifyReply) => {
    await requireApp(ctx, req);
    const body = kind === 'group' ? must(parseWith(createGroupBodySchema, req.body)) : must(parseWith(createRoomBodySchema, req.body));
    const members = [...new Set([body.owner, ...(body.members ?? [])])];
    const existing = await ctx.users.existing(members);
    const missing = members.filter((m) => !existing.has(m));
    if (missing.length) throw new ApiError('illegal_argument', `members ${JSON.stringify(missing.slice(0, 5))}: these users do not exist; register them first.`);
    const name = 'groupname' in body ? body.groupname : body.name;
    const g = await ctx.groups.create(kind, name, body.owner, members, ctx.config.now());
    return ok(ctx, req, reply, 'post', kind === 'group' ? { groupid: g.id } : { id: g.id });
  };
  app.post('/chatgroups', createConv('group'));
  app.post('/chatrooms', createConv('room'));

  const member = (kind: 'chatgroups' | 'chatrooms', add: boolean) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      await requireApp(ctx, req);
      const { id, user: rawUser } = req.params as { id: string; user: string };
      const g = await ctx.groups.get(id);
      if (!g || (g.kind === 'room') !== (kind === 'chatrooms')) throw new ApiError('service_resource_not_found', `${kind === 'chatrooms' ? 'Chat room' : 'Group'} "${id}" does not exist.`);
      const user = parseUser(rawUser, 'username');
      if (!(await ctx.users.get(user))) throw new ApiError('service_resource_not_found', `User "${user}" does not exist.`);
      if (add) await ctx.groups.addMember(id, user);
      else if (!(await ctx.groups.removeMember(id, user))) throw new ApiError('service_resource_not_found', `User "${user}" is not a member of "${id}".`);
      return ok(ctx, req, reply, add ? 'post' : 'delete', { result: true, groupid: id, action: add ? 'add_member' : 'remove_member', user });
    };
  app.post('/chatgroups/:id/users/:user', member('chatgroups', true));
  app.delete('/chatgroups/:id/users/:user', member('chatgroups', false));
  app.post('/chatrooms/:id/users/:user', member('chatrooms', true));
  app.delete('/chatrooms/:id/users/:user', member('chatrooms', false));

  /** Groups and rooms the user belongs to (Easemob's joined_chatgroups; used by the demo chat). */
  app.get<{ Params: { user: string } }>('/users/:user/joined_chatgroups', async (req, reply) => {
    const { user } = await actFor(ctx, req, req.params.user);
    return ok(ctx, req, reply, 'get', (await ctx.groups.joined(user)).map((g) => groupData(g)));
  });

  app.delete<{ Params: { user: string; resource: string } }>('/users/:user/disconnect/:resource', async (req, reply) => {
    await requireApp(ctx, req);
    const user = parseUser(req.params.user);
    if (!(await ctx.users.get(user))) throw new ApiError('service_resource_not_found', `User "${user}" does not exist.`);
    const resource = req.params.resource;
    if (resource.length < 1 || resource.length > 64) throw new ApiError('illegal_argument', `resource ${JSON.stringify(resource)}: 1–64 characters`);
    await ctx.bindings.kick(user, resource, ctx.config.now());
    const connected = await ctx.router.kick(user, resource, 'kicked by the administrator');
    return ok(ctx, req, reply, 'delete', { result: connected });
  });
}
