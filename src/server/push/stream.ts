/** The stream certificate's delivery (SPEC 4): keep the push for 24 h and send it now if the device's stream is open. */
import { buildPushPayload, type PushPayload } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { sendFrame } from '../presence/hub.ts';
import type { ImMessage } from '../store/messages.ts';

/** Stores a push for a stream device and sends it live when connected; returns the trace result. */
export function deliverToStream(ctx: Context, username: string, deviceId: string, payload: PushPayload, messageSeq: number, now: number): string {
  ctx.deliveries.streamPut(username, deviceId, payload.m, messageSeq, JSON.stringify(payload), now);
  const socket = ctx.streams.get(username, deviceId);
  return socket && sendFrame(socket, { op: 'push', push: payload }) ? 'sent' : 'pending';
}

/** The device's unacknowledged pushes (24 h), oldest first, payloads built now where they were deferred. */
export function pendingStreamPushes(ctx: Context, username: string, deviceId: string, now: number): PushPayload[] {
  const out: PushPayload[] = [];
  for (const row of ctx.deliveries.streamPending(username, deviceId, now)) {
    if (row.payload !== null) out.push(JSON.parse(row.payload) as PushPayload);
    else if (row.message !== null) {
      const message = JSON.parse(row.message) as ImMessage;
      out.push(buildPushPayload({ message, receiver: username, senderNickname: ctx.users.nickname(message.from), preferredLanguage: row.language, badge: row.badge }));
    }
  }
  return out;
}
