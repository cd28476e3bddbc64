/** Worker lifecycle: start-up work, alarms and the keyboard command. */
import { BADGE_ALARM, updateBadge } from './badge.ts';
import type { Ctx } from './context.ts';
import { installMenus, PAUSE_COMMAND, pauseOneHour } from './menus.ts';
import { OUTBOX_ALARM } from './outbox.ts';
import { ensureStream, STREAM_CHECK_ALARM } from './push.ts';
import { EXPIRY_ALARM, markExpired } from './session.ts';
import { REFRESH_ALARM, revalidate, sendPending } from './settings.ts';

/** Periodic settings refresh, so changes made elsewhere show up even without events. */
const REFRESH_EVERY_MIN = 15;

/** Runs at every worker start: badge, pending writes, the stream, periodic alarms. */
export async function onWorkerStart(ctx: Ctx): Promise<void> {
  await updateBadge(ctx);
  await ctx.browser.setAlarm(REFRESH_ALARM, ctx.now() + REFRESH_EVERY_MIN * 60_000, REFRESH_EVERY_MIN);
  await ensureStream(ctx);
  await sendPending(ctx);
}

/** Install/update: menus are created once per install. */
export async function onInstalled(ctx: Ctx): Promise<void> {
  await installMenus(ctx);
}

/** Routes an alarm by name. */
export async function onAlarm(ctx: Ctx, name: string): Promise<void> {
  if (name === BADGE_ALARM) await updateBadge(ctx);
  else if (name === OUTBOX_ALARM) await sendPending(ctx);
  else if (name === REFRESH_ALARM) await revalidate(ctx, true);
  else if (name === STREAM_CHECK_ALARM) await ensureStream(ctx);
  else if (name === EXPIRY_ALARM) {
    await markExpired(ctx);
    await updateBadge(ctx);
  }
}

/** Keyboard commands from the manifest. */
export async function onCommand(ctx: Ctx, command: string): Promise<void> {
  if (command === PAUSE_COMMAND) await pauseOneHour(ctx);
}
