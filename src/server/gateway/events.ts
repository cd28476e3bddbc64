/**
 * Callbacks received from the upstream (SPEC 9.2), decided after they were stored: `chat_offline`
 * runs the push decision of SPEC 1.8 for its recipient with step 3 read as "offline" (the
 * upstream said so) and the user's bound browser devices as the targets; `chat` from a user
 * resets their offline count and pending summary (they are active upstream), as a device coming
 * online does.
 */
import { MESSAGE_TYPES, type MessageType } from '../../core/index.ts';
import type { CallbackBody } from '../callbacks/body.ts';
import type { Context } from '../context.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { fanOut, loadBatched } from '../push/pipeline.ts';
import type { ImMessage } from '../store/ports.ts';

export const EVENT_JOB = 'callback-received';

/** The loader of the fan-out with presence replaced by the upstream's word: nobody is online here. */
const loadAsOffline: typeof loadBatched = async (ctx, message, recipients, advanced) => ({
  ...(await loadBatched(ctx, message, recipients, advanced)),
  online: new Map(),
});

/** The message as this server stores it. A group message is stored once per recipient (one callback each), so its id names the recipient too. */
export function messageOf(b: CallbackBody): ImMessage {
  const [first = {}] = b.payload.bodies;
  const { type, ...body } = first as { type?: unknown };
  const group = b.chat_type === 'groupchat' && b.group_id ? b.group_id : undefined;
  return {
    id: group ? `${b.msg_id}:${b.to}` : b.msg_id,
    from: b.from,
    to: b.to,
    conversation: group ? { id: group, type: 'groupChat' } : { id: b.from, type: 'singleChat' },
    type: (MESSAGE_TYPES as readonly unknown[]).includes(type) ? (type as MessageType) : 'custom',
    body,
    ...(b.payload.ext ? { ext: b.payload.ext } : {}),
    ts: b.timestamp,
  };
}

const isDuplicate = (e: unknown) => {
  const code = (e as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
};

export function eventHandler(ctx: Context): JobHandler {
  return async (job) => {
    const b = JSON.parse(job.payload) as CallbackBody;
    if (b.eventType === 'chat') {
      if (!(await ctx.users.get(b.from))) return { outcome: 'chat: sender not signed in here' };
      // As a device coming online (SPEC 1.6, 1.7): the badge restarts and no summary is owed.
      await ctx.users.resetOffline(b.from);
      await ctx.store.summaries.drop(b.from);
      return { outcome: 'chat: offline count reset' };
    }
    if (b.eventType !== 'chat_offline') return { outcome: `ignored: ${String(b.eventType).slice(0, 40)}` };
    if (!(await ctx.users.get(b.to))) return { outcome: 'chat_offline: recipient not signed in here' };
    try {
      const r = await fanOut(ctx, messageOf(b), [b.to], { load: loadAsOffline });
      return { outcome: r.pushes ? 'chat_offline: pushed' : 'chat_offline: held' };
    } catch (e) {
      // Decided already (the node died between its commit and marking the job done).
      if (isDuplicate(e)) return { outcome: 'chat_offline: already decided' };
      throw e;
    }
  };
}
