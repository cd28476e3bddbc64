/** The stream certificate's delivery (SPEC 4): keep the push for 24 h and send it now if the device's stream is open. */
import type { PushPayload } from '../../core/index.ts';
import type { Context } from '../context.ts';
import type { ImMessage } from '../store/ports.ts';
import { payloadOf, type SummaryPush } from './payload.ts';

/** Stores a built push for a stream device and sends it live when its stream is open (on any node); returns the trace result. */
export async function deliverToStream(ctx: Context, username: string, deviceId: string, payload: PushPayload, messageSeq: number, now: number): Promise<string> {
  await ctx.deliveries.streamPut(username, deviceId, payload.m, messageSeq, JSON.stringify(payload), now);
  return (await ctx.router.toDevice('stream', username, deviceId, { op: 'push', push: payload })) ? 'sent' : 'pending';
}

/** The device's unacknowledged pushes (24 h), oldest first, payloads built now where they were deferred. */
export async function pendingStreamPushes(ctx: Context, username: string, deviceId: string, now: number): Promise<(PushPayload | SummaryPush)[]> {
  const out: (PushPayload | SummaryPush)[] = [];
  for (const row of await ctx.deliveries.streamPending(username, deviceId, now)) {
    if (row.payload !== null) out.push(JSON.parse(row.payload) as PushPayload | SummaryPush);
    else if (row.message !== null) {
      const message = JSON.parse(row.message) as ImMessage;
      out.push(payloadOf(message, username, await ctx.users.nickname(message.from), row.language, row.badge));
    }
  }
  return out;
}
