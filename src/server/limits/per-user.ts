/**
 * Per-user bounds on stored state (SPEC 7): IM resources, conversation settings and push
 * bindings. Each refusal names the bound, so a client (or its user) knows what to clean up.
 */
import type { WireScope } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { ApiError } from '../errors.ts';

export const MAX_RESOURCES_PER_USER = 32;
export const MAX_CONVERSATION_SETTINGS_PER_USER = 1000;
export const MAX_BINDINGS_PER_USER = 32;

/**
 * After `resource`, new to `user`, signed in (the store's `deviceOnline` says it was new): when the
 * user has more than the most, forgets the others idle longest (offline first; a connected one only
 * if all are connected, and it is kicked), with their pending rows. Returns the resources dropped.
 */
export async function makeRoomForResource(ctx: Context, user: string, resource: string): Promise<string[]> {
  const all = await ctx.bindings.devices(user);
  const excess = all.length - MAX_RESOURCES_PER_USER;
  if (excess <= 0) return [];
  // Its last_seen is now, but under a frozen clock others' may be too: never the one signing in.
  const devices = all.filter((d) => d.resource !== resource);
  const online = (await ctx.router.online('im', [user])).get(user) ?? new Set<string>();
  const byIdle = [...devices.filter((d) => !online.has(d.resource)), ...devices.filter((d) => online.has(d.resource))];
  const dropped: string[] = [];
  for (const d of byIdle.slice(0, excess)) {
    if (online.has(d.resource)) await ctx.router.kick(user, d.resource, `at most ${MAX_RESOURCES_PER_USER} resources per user: this one was used least recently`);
    await ctx.bindings.dropDevice(user, d.resource);
    dropped.push(d.resource);
  }
  return dropped;
}

/** Refuses settings for a conversation past the bound, or for a group or room the user is not in. */
export async function checkConversationSettings(ctx: Context, user: string, scope: WireScope, id: string): Promise<void> {
  // A gateway does not know the upstream's groups (SPEC 9.2): the bound below still applies.
  if (scope === 'chatgroup' && !ctx.gateway && !(await ctx.groups.isMember(id, user)))
    throw new ApiError('forbidden', `chatgroup "${id}": "${user}" is not a member of this group or chat room; settings are kept only for conversations you belong to.`);
  if ((await ctx.settings.conversationsOf(user, scope, [id])).size > 0) return;
  if ((await ctx.settings.conversationCount(user)) >= MAX_CONVERSATION_SETTINGS_PER_USER)
    throw new ApiError(
      'illegal_argument',
      `conversation settings: at most ${MAX_CONVERSATION_SETTINGS_PER_USER} conversations per user may have their own settings; set some back to DEFAULT with ignoreDuration 0 first.`,
    );
}

/** Refuses a new binding past the bound (replacing or removing one is always allowed). */
export async function checkNewBinding(ctx: Context, user: string, deviceId: string, notifier: string, token: string): Promise<void> {
  if (token === '') return;
  const current = await ctx.bindings.of(user);
  if (current.some((b) => b.device_id === deviceId && b.notifier === notifier)) return;
  if (current.length >= MAX_BINDINGS_PER_USER)
    throw new ApiError('illegal_argument', `push bindings: at most ${MAX_BINDINGS_PER_USER} per user; unbind an old device first (the same body with an empty device_token).`);
}
