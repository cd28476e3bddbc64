/** `--demo`: users alice, bob and carol (password = name) and "Demo group" of the three, created idempotently. */
import { createUser } from '../accounts.ts';
import type { Context } from '../context.ts';

export const DEMO_USERS = [
  { username: 'alice', nickname: 'Alice' },
  { username: 'bob', nickname: 'Bob' },
  { username: 'carol', nickname: 'Carol' },
] as const;
export const DEMO_GROUP = 'Demo group';

/** Creates what is missing; returns the demo group id. */
export async function seedDemo(ctx: Context): Promise<string> {
  const now = ctx.config.now();
  for (const u of DEMO_USERS) if (!(await ctx.users.get(u.username))) await createUser(ctx.store, u.username, u.username, u.nickname, now);
  const existing = await ctx.groups.findByName('group', DEMO_GROUP);
  if (existing) return existing.id;
  return (await ctx.groups.create('group', DEMO_GROUP, 'alice', DEMO_USERS.map((u) => u.username), now)).id;
}
