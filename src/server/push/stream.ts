/** The stream certificate's delivery (SPEC 4): keep the push for 24 h and send it now if the device's stream is open. */
import type { PushPayload } from '../../core/index.ts';
import type { Context } from '../context.ts';
import { sendFrame } from '../presence/hub.ts';

/** Stores a push for a stream device and sends it live when connected; returns the trace result. */
export function deliverToStream(ctx: Context, username: string, deviceId: string, payload: PushPayload, messageSeq: number, now: number): string {
  ctx.deliveries.streamPut(username, deviceId, payload.m, messageSeq, JSON.stringify(payload), now);
  const socket = ctx.streams.get(username, deviceId);
  return socket && sendFrame(socket, { op: 'push', push: payload }) ? 'sent' : 'pending';
}
